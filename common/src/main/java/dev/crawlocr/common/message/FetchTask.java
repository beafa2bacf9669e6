package dev.crawlocr.common.message;

/**
 * One URL to fetch, leased to the fetcher that owns its host. Value of {@code crawl.frontier}, keyed by host; a crawl
 * with a contract for all of its hosts together ({@link Politeness#crawlWide()}) is keyed by crawl id instead, so one
 * fetcher holds all of its requests and keeps the contract.
 * A fetcher must not start the fetch once {@code leaseUntilMs} has passed: the writer re-emits the URL then.
 *
 * @param schema       required; {@link #SCHEMA}
 * @param crawlId      required
 * @param url          required, normalized
 * @param host         required; the key (unless the crawl is keyed by crawl id)
 * @param kind         required
 * @param depth        link hops from a seed; default 0
 * @param attempt      required: 1 for the first emit, 2+ for re-emits after a lease expired or a transient error
 * @param leaseUntilMs epoch milliseconds; default 0, a lease already expired, so the fetcher does not fetch
 * @param maxRequests  the most requests the fetcher may send for this task, robots.txt included, when the crawl has
 *                     a request budget ({@code maxRequestsTotal}); 0 means no limit; default 0
 * @param etag         on a recrawl, the {@code ETag} the URL's last fetch answered with, sent as {@code If-None-Match};
 *                     default null
 * @param lastModified on a recrawl, the {@code Last-Modified} the URL's last fetch answered with, sent as
 *                     {@code If-Modified-Since}; default null
 * @param contentHash  on a recrawl, the SHA-256 hex of the body the URL's last fetch stored: an image whose bytes
 *                     still hash to it is not sent for OCR again; default null
 */
public record FetchTask(int schema, String crawlId, String url, String host, UrlKind kind, int depth, int attempt, long leaseUntilMs,
                        int maxRequests, String etag, String lastModified, String contentHash) {

    public static final int SCHEMA = 1;

    public FetchTask {
        Check.schema(schema, SCHEMA, "FetchTask");
        Check.text(crawlId, "crawlId");
        Check.text(url, "url");
        Check.text(host, "host");
        Check.present(kind, "kind");
        Check.atLeast(depth, 0, "depth");
        Check.atLeast(attempt, 1, "attempt");
        Check.atLeast(maxRequests, 0, "maxRequests");
    }

    /** A first fetch: nothing is known of the URL yet. */
    public FetchTask(int schema, String crawlId, String url, String host, UrlKind kind, int depth, int attempt, long leaseUntilMs,
                     int maxRequests) {
        this(schema, crawlId, url, host, kind, depth, attempt, leaseUntilMs, maxRequests, null, null, null);
    }

    /** A first fetch of a crawl without a request budget. */
    public FetchTask(int schema, String crawlId, String url, String host, UrlKind kind, int depth, int attempt, long leaseUntilMs) {
        this(schema, crawlId, url, host, kind, depth, attempt, leaseUntilMs, 0);
    }

    /** True when the task carries a validator of the URL's last fetch, so the fetch is a conditional GET. */
    public boolean conditional() {
        return etag != null || lastModified != null;
    }
}
