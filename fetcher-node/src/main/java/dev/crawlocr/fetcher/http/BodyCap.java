package dev.crawlocr.fetcher.http;

/**
 * The most bytes of a response body read, chosen by the response's Content-Type header once the headers have
 * arrived: a page task reads a PDF up to the crawl's PDF cap and anything else up to the page cap.
 */
@FunctionalInterface
public interface BodyCap {
    /** @param contentType the Content-Type header as sent, or null */
    long forType(String contentType);

    /** The same cap for every type. */
    static BodyCap of(long maxBytes) {
        return type -> maxBytes;
    }
}
