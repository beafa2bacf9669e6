package dev.crawlocr.fetcher.http;

/**
 * One HTTP exchange as the fetcher saw it. The body is decompressed and at most the requested cap long.
 *
 * @param contentType  the Content-Type header as sent, or null
 * @param location     the Location header (for redirects), or null
 * @param retryAfter   the Retry-After header, or null
 * @param truncated    true when the body was longer than the cap and was cut
 * @param elapsedMs    from sending the request to the end of the (possibly cut) body
 * @param remoteAddress the IP address the connection was made to, when known
 * @param etag         the ETag header, or null
 * @param lastModified the Last-Modified header, or null
 */
public record HttpResult(int status, String contentType, String location, String retryAfter, byte[] body,
                         boolean truncated, long elapsedMs, String remoteAddress, String etag, String lastModified) {
}
