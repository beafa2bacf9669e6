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
    /** Not fetched on purpose: robots.txt, SSRF guard, scope, request budget or an expired lease. */
    DENIED;

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

    /** True when the URL is finished with and must not be leased again. */
    public boolean isFinal() {
        return this != FETCH_ERROR;
    }
}
