package dev.crawlocr.fetcher.content;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.http.HttpResult;
import dev.crawlocr.fetcher.metrics.FetcherMetrics;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.parse.PageParser;
import dev.crawlocr.fetcher.parse.ParsedPage;
import dev.crawlocr.fetcher.url.CrawlState;
import dev.crawlocr.fetcher.url.LinkSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a 2xx response into an outcome. Pages: the content type must be allowed (a missing one is accepted when
 * the body looks like markup), the body is parsed even when cut at the size cap (the result says truncated), and
 * the in-scope links and images go out as {@link DiscoveredUrls}, one record per host; the result counts the
 * dropped ones by category. A page task's response of a type the crawl keeps as data
 * ({@link RequestSettings#acceptTypes()}) and that is not a page type is stored as it came: its body decoded as text
 * ({@link DataBody}) up to the crawl's body cap, hashed whole, with no title and no links. Images: the content type
 * must be allowed (or the bytes must carry a known image signature), and an image over the cap is refused. A page
 * task's PDF ({@link PdfResponses}), when the crawl fetches PDFs, goes to the analyzer as an image does, and one
 * over the crawl's PDF cap is refused. Thread-safe.
 */
public final class ContentHandler {
    /**
     * @param pageContentTypes  content types accepted as pages
     * @param imageContentTypes content types accepted as images
     * @param imageMaxBytes     the image size cap, named when an image cut at that size is refused
     */
    public record Settings(List<String> pageContentTypes, List<String> imageContentTypes, long imageMaxBytes) {
    }

    private final Settings settings;
    private final PageParser parser;
    private final LinkSelector links;
    private final CrawlState crawls;
    private final FetcherMetrics metrics;

    public ContentHandler(Settings settings, PageParser parser, LinkSelector links, CrawlState crawls, FetcherMetrics metrics) {
        this.settings = settings;
        this.parser = parser;
        this.links = links;
        this.crawls = crawls;
        this.metrics = metrics;
    }

    public Outcome handle(FetchTask task, CrawlJob job, HttpResult r, long fetchMs) {
        return task.kind() == UrlKind.IMAGE ? image(task, r, fetchMs) : page(task, job, r, fetchMs);
    }

    private Outcome page(FetchTask task, CrawlJob job, HttpResult r, long fetchMs) {
        if (job.scope().fetchesPdfs() && PdfResponses.isPdf(r.contentType(), r.body())) {
            return pdf(task, job, r, fetchMs);
        }
        String type = RequestSettings.baseType(r.contentType());
        if (type == null ? !looksLikeMarkup(r.body()) : !settings.pageContentTypes().contains(type)) {
            if (job.request().keeps(type)) {
                return data(task, job, r, fetchMs);
            }
            return refused(task, r, fetchMs, "content type " + (type == null ? "(none)" : type) + " is not an allowed page type");
        }
        ParsedPage page;
        try {
            page = parser.parse(r.body(), r.contentType(), task.url());
        } catch (RuntimeException | StackOverflowError e) {
            return refused(task, r, fetchMs, "unparseable HTML: " + e);
        }
        LinkSelector.Selection sel = links.select(task.url(), task.depth(), page.links(), page.images(), crawls.scope(job), !page.noFollow());
        metrics.dropped(sel.dropped());
        List<DiscoveredUrls> discovered = new ArrayList<>();
        for (Map.Entry<String, List<DiscoveredUrls.Link>> e : sel.byHost().entrySet()) {
            discovered.add(new DiscoveredUrls(DiscoveredUrls.SCHEMA, task.crawlId(), e.getKey(), task.url(), e.getValue()));
            long images = e.getValue().stream().filter(l -> l.kind() == UrlKind.IMAGE).count();
            metrics.emitted(UrlKind.IMAGE, (int) images);
            metrics.emitted(UrlKind.PAGE, e.getValue().size() - (int) images);
        }
        List<Outcome.Image> images = new ArrayList<>();
        if (job.scope().fetchImages()) {
            for (ParsedPage.DataImage d : page.dataImages()) {
                String hash = Hashes.sha256Hex(d.bytes());
                images.add(new Outcome.Image(new ImageMeta(ImageMeta.SCHEMA, task.crawlId(), task.url(), hash, d.contentType()), d.bytes()));
            }
        }
        FetchResult result = new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.PAGE, task.depth(), FetchStatus.FETCHED,
                null,
                task.url(), r.status(), r.contentType(), page.title(), page.text(), r.truncated() || page.textTruncated(),
                Hashes.sha256Hex(r.body()), r.body().length, sel.outlinks(), sel.droppedByCategory(), sel.imageUrls(), null,
                System.currentTimeMillis(), fetchMs, 0, task.maxRequests(), 0, task.leaseUntilMs());
        return new Outcome(result, discovered, images);
    }

    /** A response kept as data: its body as text, no title, no links. */
    private Outcome data(FetchTask task, CrawlJob job, HttpResult r, long fetchMs) {
        DataBody body = DataBody.decode(r.body(), r.truncated(), r.contentType(), job.request().bodyMaxBytes());
        FetchResult result = new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.PAGE, task.depth(), FetchStatus.FETCHED,
                null, task.url(), r.status(), r.contentType(), null, body.text(), body.cut(), Hashes.sha256Hex(r.body()), r.body().length, 0,
                Map.of(), List.of(), null, System.currentTimeMillis(), fetchMs, 0, task.maxRequests(), 0, task.leaseUntilMs());
        return Outcome.of(result);
    }

    /**
     * A PDF goes to the analyzer like an image: its bytes on {@code crawl.images} with content type
     * {@value PdfResponses#PDF}, keyed by their hash; the result records it as a fetched page of that type.
     */
    private Outcome pdf(FetchTask task, CrawlJob job, HttpResult r, long fetchMs) {
        if (r.truncated()) {
            long cap = PdfResponses.pdfCap(job.scope(), settings.imageMaxBytes());
            return refused(task, r, fetchMs, "PDF larger than the cap of " + cap + " bytes (the crawl's pdfMaxBytes, at most IMAGE_MAX_BYTES)");
        }
        String hash = Hashes.sha256Hex(r.body());
        ImageMeta meta = new ImageMeta(ImageMeta.SCHEMA, task.crawlId(), task.url(), hash, PdfResponses.PDF);
        FetchResult result = new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.PAGE, task.depth(), FetchStatus.FETCHED,
                null, task.url(), r.status(), PdfResponses.PDF, null, null, false, hash, r.body().length, 0, Map.of(), List.of(), null,
                System.currentTimeMillis(), fetchMs, 0, task.maxRequests(), 0, task.leaseUntilMs());
        return new Outcome(result, List.of(), List.of(new Outcome.Image(meta, r.body())));
    }

    private Outcome image(FetchTask task, HttpResult r, long fetchMs) {
        if (r.truncated()) {
            return refused(task, r, fetchMs, "image larger than IMAGE_MAX_BYTES (" + settings.imageMaxBytes() + " bytes)");
        }
        if (r.body().length == 0) {
            return refused(task, r, fetchMs, "empty image body");
        }
        String type = RequestSettings.baseType(r.contentType());
        String sniffed = ImageSignatures.sniff(r.body());
        boolean allowed = type != null && settings.imageContentTypes().contains(type);
        if (!allowed && (type == null || type.equals("application/octet-stream") || type.equals("binary/octet-stream"))
                && sniffed != null && settings.imageContentTypes().contains(sniffed)) {
            allowed = true;
            type = sniffed;
        }
        if (!allowed) {
            return refused(task, r, fetchMs, "content type " + (type == null ? "(none)" : type) + " is not an allowed image type");
        }
        String hash = Hashes.sha256Hex(r.body());
        ImageMeta meta = new ImageMeta(ImageMeta.SCHEMA, task.crawlId(), task.url(), hash, type);
        FetchResult result = new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.IMAGE, task.depth(), FetchStatus.FETCHED,
                null, task.url(), r.status(), type, null, null, false, hash, r.body().length, 0, Map.of(), List.of(), null,
                System.currentTimeMillis(), fetchMs, 0, task.maxRequests(), 0, task.leaseUntilMs());
        return new Outcome(result, List.of(), List.of(new Outcome.Image(meta, r.body())));
    }

    private static Outcome refused(FetchTask task, HttpResult r, long fetchMs, String reason) {
        FetchResult f = FetchResult.failure(task, FetchStatus.ERROR, r.status(), reason, null, fetchMs);
        return Outcome.of(new FetchResult(f.schema(), f.crawlId(), f.url(), f.kind(), f.depth(), f.status(), f.reason(), f.finalUrl(),
                f.httpStatus(), r.contentType(), null, null, r.truncated(), null, r.body().length, 0, Map.of(), List.of(), null,
                f.fetchedAtMs(), fetchMs, f.requests(), f.maxRequests(), f.linkRecords(), f.leaseUntilMs()));
    }

    /** True when the first character after whitespace and a byte order mark is {@code <}: markup (HTML or XML), by its look. */
    public static boolean looksLikeMarkup(byte[] body) {
        for (byte b : body) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == (byte) 0xEF || b == (byte) 0xBB || b == (byte) 0xBF) {
                continue;
            }
            return b == '<';
        }
        return false;
    }
}
