package dev.crawlocr.common.message;

/**
 * One sitemap a fetch read (or tried to), as reported in {@link FetchResult#sitemaps()}.
 *
 * @param url      required; the sitemap's URL
 * @param status   required
 * @param found    URLs (or, for an index, nested sitemaps) the sitemap listed; default 0
 * @param accepted of those, page URLs emitted to {@code crawl.discovered} (in scope, under the limits); default 0
 * @param reason   why it was not read, or what cut it short; default null
 */
public record SitemapRead(String url, Status status, int found, int accepted, String reason) {

    /** What reading the sitemap came to. */
    public enum Status {
        /** Parsed: a sitemap, a sitemap index, a text sitemap or a feed. */
        READ,
        /** The server has none (HTTP 404 or 410): not an error. */
        ABSENT,
        /** Fetched but not parseable, or larger than the size cap. */
        MALFORMED,
        /** robots.txt or the SSRF guard refused it. */
        DENIED,
        /** Any other failure: HTTP status, network error, redirect off its host. */
        ERROR,
        /** Not fetched: a nesting, count or request limit was reached first. */
        SKIPPED
    }

    public SitemapRead {
        Check.text(url, "url");
        Check.present(status, "status");
        Check.atLeast(found, 0, "found");
        Check.atLeast(accepted, 0, "accepted");
    }
}
