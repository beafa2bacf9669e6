package dev.crawlocr.fetcher.robots;

/**
 * What robots.txt says about one URL.
 *
 * @param crawlDelayMs the host's Crawl-delay in ms, or -1 when robots.txt sets none
 * @param reason       why the URL is disallowed or the host deferred; null when allowed
 */
public record RobotsVerdict(Decision decision, long crawlDelayMs, String reason) {

    public enum Decision {
        ALLOWED,
        /** robots.txt disallows the URL (or the SSRF guard refused robots.txt itself): record DENIED. */
        DISALLOWED,
        /** robots.txt answered 5xx or 429, or could not be fetched: try the host later (FETCH_ERROR). */
        DEFERRED
    }

    public static RobotsVerdict allowed(long crawlDelayMs) {
        return new RobotsVerdict(Decision.ALLOWED, crawlDelayMs, null);
    }

    public boolean isAllowed() {
        return decision == Decision.ALLOWED;
    }
}
