package dev.crawlocr.common.message;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * How hard a crawl may hit each host. Page, image and robots.txt requests all count. Every field is optional: an
 * absent one takes its value in {@link #defaults()}, given here.
 *
 * @param minDelayMs                 minimum gap between the start of two requests to one host, in ms; default 1000;
 *                                   also read as {@code delayMs}
 * @param maxConnectionsPerHost      concurrent requests to one host, at least 1; default 1
 * @param maxRequestsPerHostPerMinute request budget per host per minute; 0 means unlimited; default 0
 * @param maxRequestsTotal           request budget for the whole crawl; 0 means unlimited; default 0
 * @param recrawlIntervalSeconds     when above 0, fetched URLs become due again after this long; default 0 (never)
 */
public record Politeness(
        @JsonAlias("delayMs") long minDelayMs,
        int maxConnectionsPerHost,
        int maxRequestsPerHostPerMinute,
        long maxRequestsTotal,
        long recrawlIntervalSeconds) {

    public Politeness {
        Check.atLeast(minDelayMs, 0, "minDelayMs");
        Check.atLeast(maxConnectionsPerHost, 1, "maxConnectionsPerHost");
        Check.atLeast(maxRequestsPerHostPerMinute, 0, "maxRequestsPerHostPerMinute");
        Check.atLeast(maxRequestsTotal, 0, "maxRequestsTotal");
        Check.atLeast(recrawlIntervalSeconds, 0, "recrawlIntervalSeconds");
    }

    /** The politeness of a crawl that sets none; absent JSON fields take their values from it. */
    public static Politeness defaults() {
        return new Politeness(1000, 1, 0, 0, 0);
    }
}
