package dev.crawlocr.common.message;

/**
 * One URL to fetch, leased to the fetcher that owns its host. Value of {@code crawl.frontier}, keyed by host.
 * A fetcher must not start the fetch once {@code leaseUntilMs} has passed: the writer re-emits the URL then.
 *
 * @param attempt      1 for the first emit, 2+ for re-emits after a lease expired or a transient error
 * @param leaseUntilMs epoch milliseconds
 */
public record FetchTask(int schema, String crawlId, String url, String host, UrlKind kind, int depth, int attempt, long leaseUntilMs) {

    public static final int SCHEMA = 1;

    public FetchTask {
        Check.schema(schema, SCHEMA, "FetchTask");
        Check.text(crawlId, "crawlId");
        Check.text(url, "url");
        Check.text(host, "host");
        Check.present(kind, "kind");
        Check.atLeast(depth, 0, "depth");
        Check.atLeast(attempt, 1, "attempt");
    }
}
