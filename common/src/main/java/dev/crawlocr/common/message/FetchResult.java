package dev.crawlocr.common.message;

import java.util.List;
import java.util.Map;

/**
 * The outcome of fetching one URL. Value of {@code crawl.pages}, keyed by URL. Every leased URL gets exactly one
 * of these per fetch attempt, so the writer can release its lease.
 *
 * @param schema        required; {@link #SCHEMA}
 * @param crawlId       required
 * @param url           required; the key
 * @param kind          required
 * @param depth         the task's depth; default 0
 * @param status        required
 * @param reason        why, for anything but FETCHED; default null
 * @param finalUrl      the URL the content came from; default (also for null) {@code url}
 * @param httpStatus    0 when no response arrived; default 0
 * @param contentType   the response's media type; default null
 * @param title         a page's title; default null
 * @param text          visible text of a page, or the body of a response kept as data (the crawl's accept types) as it
 *                      came, decoded with its charset and cut at the crawl's body cap; null for images and failures;
 *                      default null
 * @param truncated     true when the body was cut at the size cap; default false
 * @param contentHash   SHA-256 hex of the body; for images the key of {@code crawl.images}; default null
 * @param bytes         body size; default 0
 * @param outlinkCount  links found on a page; default 0
 * @param droppedLinks  a page's links and images that were not followed, counted by the kind of guard that dropped
 *                      them ({@code outlink-cap}, {@code trap}, {@code host}, {@code depth}, {@code include},
 *                      {@code exclude}, {@code extension}, {@code images-off}, {@code nofollow}, {@code follow-none},
 *                      {@code invalid}, ...); a URL linked twice from the page counts once; default (also for null)
 *                      empty
 * @param imageUrls     images referenced by the page (normalized); default empty
 * @param redirectTo    target of a REDIRECT (normalized), else null; default null
 * @param fetchedAtMs   epoch milliseconds of the fetch; default 0
 * @param fetchMs       time from request start to the end of the body; default 0
 * @param requests      requests sent for this task (robots.txt and retries included); default 0
 * @param maxRequests   the task's {@link FetchTask#maxRequests}, echoed so the writer can return what was not used
 *                      to the crawl's request budget; default 0
 * @param linkRecords   how many {@link DiscoveredUrls} records this fetch sent to {@code crawl.discovered} before this
 *                      result, each carrying this result's {@code fetchedAtMs} and a part number below this; the
 *                      crawl is not complete until all of them are registered; default 0
 * @param leaseUntilMs  the task's {@link FetchTask#leaseUntilMs}, echoed so the writer can tell the task's own lease
 *                      from a newer one when the task is RETURNED; default 0 (unknown)
 * @param sitemaps      the sitemaps this fetch read for its host (a seed's fetch in a crawl that reads sitemaps), in
 *                      the order read; default (also for null) empty
 * @param etag          the response's {@code ETag}, kept for the next conditional GET; default null
 * @param lastModified  the response's {@code Last-Modified}, kept for the next conditional GET; default null
 */
public record FetchResult(
        int schema,
        String crawlId,
        String url,
        UrlKind kind,
        int depth,
        FetchStatus status,
        String reason,
        String finalUrl,
        int httpStatus,
        String contentType,
        String title,
        String text,
        boolean truncated,
        String contentHash,
        long bytes,
        int outlinkCount,
        Map<String, Integer> droppedLinks,
        List<String> imageUrls,
        String redirectTo,
        long fetchedAtMs,
        long fetchMs,
        int requests,
        int maxRequests,
        int linkRecords,
        long leaseUntilMs,
        List<SitemapRead> sitemaps,
        String etag,
        String lastModified) {

    public static final int SCHEMA = 1;

    public FetchResult {
        Check.schema(schema, SCHEMA, "FetchResult");
        Check.text(crawlId, "crawlId");
        Check.text(url, "url");
        Check.present(kind, "kind");
        Check.present(status, "status");
        droppedLinks = Check.counts(droppedLinks, "droppedLinks");
        imageUrls = Check.list(imageUrls);
        finalUrl = finalUrl == null ? url : finalUrl;
        Check.atLeast(requests, 0, "requests");
        Check.atLeast(maxRequests, 0, "maxRequests");
        Check.atLeast(linkRecords, 0, "linkRecords");
        sitemaps = Check.list(sitemaps);
    }

    /** A result that read no sitemaps, of a response without validators (or of none). */
    public FetchResult(int schema, String crawlId, String url, UrlKind kind, int depth, FetchStatus status, String reason, String finalUrl,
                       int httpStatus, String contentType, String title, String text, boolean truncated, String contentHash, long bytes,
                       int outlinkCount, Map<String, Integer> droppedLinks, List<String> imageUrls, String redirectTo, long fetchedAtMs,
                       long fetchMs, int requests, int maxRequests, int linkRecords, long leaseUntilMs) {
        this(schema, crawlId, url, kind, depth, status, reason, finalUrl, httpStatus, contentType, title, text, truncated, contentHash, bytes,
                outlinkCount, droppedLinks, imageUrls, redirectTo, fetchedAtMs, fetchMs, requests, maxRequests, linkRecords, leaseUntilMs,
                List.of(), null, null);
    }

    /**
     * True for the answer 304 Not Modified to a conditional GET: the content is the one stored, which is left as it
     * is ({@code contentHash} names it).
     */
    public boolean notModified() {
        return status == FetchStatus.FETCHED && httpStatus == 304;
    }

    /** This result of {@code task}, which sent {@code sent} requests: its allowance and lease are echoed. */
    public FetchResult forTask(FetchTask task, int sent) {
        return new FetchResult(schema, crawlId, url, kind, depth, status, reason, finalUrl, httpStatus, contentType, title, text,
                truncated, contentHash, bytes, outlinkCount, droppedLinks, imageUrls, redirectTo, fetchedAtMs, fetchMs, sent, task.maxRequests(),
                linkRecords, task.leaseUntilMs(), sitemaps, etag, lastModified);
    }

    /** This result with the number of link records sent before it. */
    public FetchResult withLinkRecords(int records) {
        return new FetchResult(schema, crawlId, url, kind, depth, status, reason, finalUrl, httpStatus, contentType, title, text,
                truncated, contentHash, bytes, outlinkCount, droppedLinks, imageUrls, redirectTo, fetchedAtMs, fetchMs, requests,
                maxRequests, records, leaseUntilMs, sitemaps, etag, lastModified);
    }

    /** This result with the sitemaps its fetch read. */
    public FetchResult withSitemaps(List<SitemapRead> read) {
        return new FetchResult(schema, crawlId, url, kind, depth, status, reason, finalUrl, httpStatus, contentType, title, text,
                truncated, contentHash, bytes, outlinkCount, droppedLinks, imageUrls, redirectTo, fetchedAtMs, fetchMs, requests,
                maxRequests, linkRecords, leaseUntilMs, read, etag, lastModified);
    }

    /** This result with the validators of the response it came from. */
    public FetchResult withValidators(String etag, String lastModified) {
        return new FetchResult(schema, crawlId, url, kind, depth, status, reason, finalUrl, httpStatus, contentType, title, text,
                truncated, contentHash, bytes, outlinkCount, droppedLinks, imageUrls, redirectTo, fetchedAtMs, fetchMs, requests,
                maxRequests, linkRecords, leaseUntilMs, sitemaps, etag, lastModified);
    }

    /** The answer 304 Not Modified to {@code task}, a conditional GET: the content stored before is still current. */
    public static FetchResult notModified(FetchTask task, long fetchMs) {
        return new FetchResult(SCHEMA, task.crawlId(), task.url(), task.kind(), task.depth(), FetchStatus.FETCHED, null, task.url(),
                304, null, null, null, false, task.contentHash(), 0, 0, Map.of(), List.of(), null, System.currentTimeMillis(), fetchMs,
                0, task.maxRequests(), 0, task.leaseUntilMs(), List.of(), task.etag(), task.lastModified());
    }

    /** An outcome without content: an error, a denial or a redirect. */
    public static FetchResult failure(FetchTask task, FetchStatus status, int httpStatus, String reason, String redirectTo, long fetchMs) {
        return new FetchResult(SCHEMA, task.crawlId(), task.url(), task.kind(), task.depth(), status, reason, task.url(),
                httpStatus, null, null, null, false, null, 0, 0, Map.of(), List.of(), redirectTo, System.currentTimeMillis(), fetchMs,
                0, task.maxRequests(), 0, task.leaseUntilMs());
    }
}
