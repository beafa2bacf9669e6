package dev.crawlocr.writer.frontier;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides, URL by URL within one lease round, what the crawl's page caps ({@code maxPages},
 * {@code maxPagesPerHost}) and request budget ({@code maxRequestsTotal}) allow. The writer leasing a round holds
 * the crawl's row lock, so the usage it read is the crawl's, whichever writers and fetchers took part.
 *
 * <p>A page holds a place under the caps from its first lease while it is leased, fetched, or failed with a retry
 * to come; an error, a refusal or a redirect gives the place back (a redirect target is a page of its own). A new
 * page is refused for good once the fetched pages fill the cap, and waits while leased pages may still free a place.
 *
 * <p>Each lease of a crawl with a request budget charges the task's allowance ({@value #REQUESTS_PER_LEASE}
 * requests, or what is left of the budget: the page and, for a host new to the fetcher, its robots.txt; one request
 * for a crawl that ignores robots.txt); the outcome returns what the task did not send. A lease whose outcome never arrives stays charged, so the budget can
 * be left partly unused but is never exceeded. URLs are refused once the budget is spent and no lease is out.
 */
final class CrawlLimits {
    static final int REQUESTS_PER_LEASE = 2;

    /** A crawl's caps, 0 meaning none, and the allowance of a task in it (when it has a request budget). */
    record Limits(long maxPages, long maxPagesPerHost, long maxRequests, int requestsPerLease) {
    }

    /** What the crawl used before this round. */
    record Usage(long pageSlots, long pagesFetched, long requestsCharged, long leasesOut) {
        static final Usage NONE = new Usage(0, 0, 0, 0);
    }

    /** A page count of one host before this round. */
    record HostUsage(long pageSlots, long pagesFetched) {
        static final HostUsage NONE = new HostUsage(0, 0);
    }

    /** What to do with one due URL. */
    sealed interface Decision {
    }

    /** Lease it; {@code maxRequests} is the task's allowance (0: no budget). */
    record Lease(int maxRequests) implements Decision {
    }

    /** Refuse it for good, with the reason recorded as a DENIED outcome. */
    record Deny(String reason) implements Decision {
    }

    /** Leave it queued and look again later: leased URLs may still free a place or return requests. */
    record Wait() implements Decision {
    }

    private static final Lease UNLIMITED = new Lease(0);

    private final Map<String, Limits> limits;
    private final Map<String, Usage> usage;
    private final Map<String, HostUsage> hostUsage;
    private final Map<String, long[]> crawlAdded = new HashMap<>();
    private final Map<String, long[]> hostAdded = new HashMap<>();

    CrawlLimits(Map<String, Limits> limits, Map<String, Usage> usage, Map<String, HostUsage> hostUsage) {
        this.limits = limits;
        this.usage = usage;
        this.hostUsage = hostUsage;
    }

    static String hostKey(String crawlId, String host) {
        return crawlId + ' ' + host;
    }

    /**
     * @param newPage a PAGE URL that holds no place yet (not leased, fetched, or failed with a retry to come)
     */
    Decision decide(String crawlId, String host, boolean newPage) {
        Limits l = limits.get(crawlId);
        if (l == null) {
            return UNLIMITED;
        }
        Usage u = usage.getOrDefault(crawlId, Usage.NONE);
        // [0] pages leased in this round, [1] requests charged in this round
        long[] added = crawlAdded.computeIfAbsent(crawlId, k -> new long[2]);
        long[] hostPages = hostAdded.computeIfAbsent(hostKey(crawlId, host), k -> new long[1]);
        if (newPage && l.maxPagesPerHost() > 0) {
            HostUsage h = hostUsage.getOrDefault(hostKey(crawlId, host), HostUsage.NONE);
            if (h.pagesFetched() >= l.maxPagesPerHost()) {
                return new Deny("page cap reached: maxPagesPerHost " + l.maxPagesPerHost() + " for " + host);
            }
            if (h.pageSlots() + hostPages[0] >= l.maxPagesPerHost()) {
                return new Wait();
            }
        }
        if (newPage && l.maxPages() > 0) {
            if (u.pagesFetched() >= l.maxPages()) {
                return new Deny("page cap reached: maxPages " + l.maxPages() + " for the crawl");
            }
            if (u.pageSlots() + added[0] >= l.maxPages()) {
                return new Wait();
            }
        }
        int allowance = 0;
        if (l.maxRequests() > 0) {
            long left = l.maxRequests() - u.requestsCharged() - added[1];
            if (left <= 0) {
                return u.leasesOut() == 0 && added[1] == 0
                        ? new Deny("request budget of the crawl spent (" + l.maxRequests() + " requests)")
                        : new Wait();
            }
            allowance = (int) Math.min(l.requestsPerLease(), left);
        }
        if (newPage) {
            added[0]++;
            hostPages[0]++;
        }
        added[1] += allowance;
        return allowance == 0 ? UNLIMITED : new Lease(allowance);
    }
}
