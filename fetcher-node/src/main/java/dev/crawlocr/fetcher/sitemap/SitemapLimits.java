package dev.crawlocr.fetcher.sitemap;

/**
 * How much of a host's sitemaps is read.
 *
 * @param maxBytes   largest sitemap body, after decompression (gzip included); a larger one is recorded MALFORMED
 * @param maxUrls    URLs taken from one sitemap (or sitemaps from one index); the rest are counted, not followed
 * @param maxPerHost page URLs emitted from the sitemaps of one host, per crawl
 * @param maxPerCrawl page URLs emitted from sitemaps per crawl, counted by each fetcher node
 * @param maxNesting levels of sitemap indexes followed below a top-level sitemap (0: indexes are not followed)
 */
public record SitemapLimits(long maxBytes, int maxUrls, int maxPerHost, int maxPerCrawl, int maxNesting) {
}
