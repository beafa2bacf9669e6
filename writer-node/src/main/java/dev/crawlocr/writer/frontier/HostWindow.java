package dev.crawlocr.writer.frontier;

import dev.crawlocr.common.message.Politeness;

/**
 * How many unexpired leases one host of a crawl may have at once, from the crawl's own contract: enough for the
 * rate its politeness allows over {@value #REFILL_SECONDS} s, the time it takes an outcome to come back and the next
 * lease to reach the fetcher, plus one for each connection, so a host's next URLs are at its fetcher before a
 * connection frees up. A host with no delay and no per-minute budget is bound by its connections only: each gets
 * {@value #QUEUED_PER_CONNECTION} tasks waiting behind the one it runs. Never more than {@value #MAX} (a fetcher
 * queues up to 1,024 tasks of one host) and never fewer than 2. Stateless.
 */
final class HostWindow {
    static final int REFILL_SECONDS = 1;
    static final int QUEUED_PER_CONNECTION = 2;
    static final int MAX = 1000;

    static int of(Politeness p) {
        double perSecond = Double.POSITIVE_INFINITY;
        if (p.minDelayMs() > 0) {
            perSecond = 1000.0 / p.minDelayMs(); // the gate spaces every request of a host by the delay
        }
        if (p.maxRequestsPerHostPerMinute() > 0) {
            perSecond = Math.min(perSecond, p.maxRequestsPerHostPerMinute() / 60.0);
        }
        long window = Double.isInfinite(perSecond)
                ? (long) p.maxConnectionsPerHost() * (1 + QUEUED_PER_CONNECTION)
                : (long) Math.ceil(perSecond * REFILL_SECONDS) + p.maxConnectionsPerHost();
        return (int) Math.max(2, Math.min(MAX, window));
    }

    /**
     * How many unexpired leases a crawl with a crawl-wide contract may have on all of its hosts together, by the same
     * rule from its crawl-wide rate and connections; 0 for a crawl without one (no crawl-wide window).
     */
    static int ofCrawl(Politeness p) {
        if (!p.crawlWide()) {
            return 0;
        }
        int connections = Math.max(1, p.crawlConnections());
        long window = p.crawlRatePerSecond() > 0
                ? (long) Math.ceil(p.crawlRatePerSecond() * REFILL_SECONDS) + connections
                : (long) p.crawlConnections() * (1 + QUEUED_PER_CONNECTION);
        return (int) Math.max(2, Math.min(MAX, window));
    }

    private HostWindow() {
    }
}
