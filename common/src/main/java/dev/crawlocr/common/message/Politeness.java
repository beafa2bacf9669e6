package dev.crawlocr.common.message;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * How hard a crawl may hit each host, and all of its hosts together (a provider's usage contract usually covers all
 * of its hosts). Page, image and robots.txt requests all count. Every field is optional: an
 * absent one takes its value in {@link #defaults()}, given here.
 *
 * @param minDelayMs                 minimum gap between the start of two requests to one host, in ms; default 1000;
 *                                   also read as {@code delayMs}
 * @param maxConnectionsPerHost      concurrent requests to one host, at least 1; default 1
 * @param maxRequestsPerHostPerMinute request budget per host per minute; 0 means unlimited; default 0
 * @param maxRequestsTotal           request budget for the whole crawl; 0 means unlimited; default 0
 * @param recrawlIntervalSeconds     when above 0, the crawl recrawls in cycles: once every URL has an outcome in a cycle,
 *                                   the next begins, and each URL is fetched again (a conditional GET when it sent
 *                                   validators) this long after its last fetch; default 0 (never)
 * @param crawlRatePerSecond         requests per second across all of the crawl's hosts and fetchers: no window of
 *                                   one second holds more; 0 means no crawl-wide rate; default 0
 * @param crawlConnections           requests in progress at once across all of the crawl's hosts and fetchers; 0
 *                                   means no crawl-wide limit; default 0
 */
public record Politeness(
        @JsonAlias("delayMs") long minDelayMs,
        int maxConnectionsPerHost,
        int maxRequestsPerHostPerMinute,
        long maxRequestsTotal,
        long recrawlIntervalSeconds,
        double crawlRatePerSecond,
        int crawlConnections) {

    public Politeness {
        Check.atLeast(minDelayMs, 0, "minDelayMs");
        Check.atLeast(maxConnectionsPerHost, 1, "maxConnectionsPerHost");
        Check.atLeast(maxRequestsPerHostPerMinute, 0, "maxRequestsPerHostPerMinute");
        Check.atLeast(maxRequestsTotal, 0, "maxRequestsTotal");
        Check.atLeast(recrawlIntervalSeconds, 0, "recrawlIntervalSeconds");
        if (!(crawlRatePerSecond >= 0) || Double.isInfinite(crawlRatePerSecond)) {
            throw new IllegalArgumentException("The field 'crawlRatePerSecond' must be a number >= 0, was " + crawlRatePerSecond + ".");
        }
        Check.atLeast(crawlConnections, 0, "crawlConnections");
    }

    /** True when the crawl has a contract for all of its hosts together: a crawl-wide rate or connection limit. */
    public boolean crawlWide() {
        return crawlRatePerSecond > 0 || crawlConnections > 0;
    }

    /** The politeness of a crawl that sets none; absent JSON fields take their values from it. */
    public static Politeness defaults() {
        return new Politeness(1000, 1, 0, 0, 0, 0, 0);
    }
}
