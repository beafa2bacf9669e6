package dev.crawlocr.common.message;

/** The outcome of one fetch. A small closed set; the record's {@code reason} says why. */
public enum FetchStatus {
    /** Fetched with a 2xx and parsed (pages) or forwarded for OCR (images). */
    FETCHED,
    /** A 3xx; the target was sent through scope and dedup as a new URL. */
    REDIRECT,
    /** Transient failure (timeout, connection reset, 5xx, 429) after the node's retries; may be tried again later. */
    FETCH_ERROR,
    /** Permanent failure: 4xx, refused content type, over a size cap, unparseable. */
    ERROR,
    /** Not fetched on purpose: robots.txt, SSRF guard, scope, a page cap or the crawl's request budget, a stopped crawl. */
    DENIED,
    /**
     * Not tried, for a reason of the fetcher's own: the host moved to another fetcher, the node is shutting down,
     * the crawl's settings were not on {@code crawl.jobs} in time, the lease ran out before the host's turn, or the
     * task's request allowance was spent. The URL goes back to the frontier and no attempt is charged for it.
     */
    RETURNED;

    public static FetchStatus fromHttpCode(int code) {
        if (code >= 200 && code < 300) {
            return FETCHED;
        }
        if (code >= 300 && code < 400) {
            return REDIRECT;
        }
        if (code == 408 || code == 425 || code == 429 || code >= 500) {
            return FETCH_ERROR;
        }
        return ERROR;
    }
}
