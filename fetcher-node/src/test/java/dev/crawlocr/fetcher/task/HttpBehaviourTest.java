package dev.crawlocr.fetcher.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One handler per HTTP behaviour; every response, however hostile, ends as a recorded outcome. */
class HttpBehaviourTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private final TestSite site = new TestSite();
    private Engines engines = new Engines(Map.of("FETCHER_PAGE_MAX_BYTES", "64KB", "IMAGE_MAX_BYTES", "64KB", "FETCHER_TOTAL_TIMEOUT", "1500ms",
            "FETCHER_READ_TIMEOUT", "700ms"));

    @AfterEach
    void close() {
        engines.close();
        site.close();
    }

    private FetchResult fetch(String path) {
        engines.crawl("c", site.url("/"));
        return engines.fetch("c", site.url(path)).result();
    }

    private FetchResult fetchImage(String path) {
        engines.crawl("c", site.url("/"));
        return engines.fetch("c", site.url(path), UrlKind.IMAGE, 1).result();
    }

    @Test
    void notFoundIsAPermanentError() {
        FetchResult r = fetch("/missing");
        assertThat(r.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(r.httpStatus()).isEqualTo(404);
        assertThat(r.reason()).isEqualTo("HTTP 404");
        assertThat(site.count("/missing")).isEqualTo(1);
    }

    @Test
    void serverErrorIsRetriedWithBackOffThenSucceeds() {
        int[] calls = {0};
        site.route("/flaky", ex -> {
            if (calls[0]++ == 0) {
                TestSite.send(ex, 500, "text/plain", "oops");
            } else {
                TestSite.send(ex, 200, "text/html", "<title>ok</title>");
            }
        });
        FetchResult r = fetch("/flaky");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(r.title()).isEqualTo("ok");
        assertThat(site.count("/flaky")).isEqualTo(2);
    }

    @Test
    void persistentServerErrorEndsAsFetchErrorAfterTheRetries() {
        site.route("/down", ex -> TestSite.send(ex, 503, "text/plain", "down"));
        FetchResult r = fetch("/down");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCH_ERROR);
        assertThat(r.httpStatus()).isEqualTo(503);
        assertThat(r.reason()).isEqualTo("HTTP 503 after 3 attempts");
        assertThat(site.count("/down")).isEqualTo(3);
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        int[] calls = {0};
        site.route("/limited", ex -> {
            if (calls[0]++ == 0) {
                ex.getResponseHeaders().set("Retry-After", "1");
                TestSite.send(ex, 429, "text/plain", "slow down");
            } else {
                TestSite.send(ex, 200, "text/html", "<title>served</title>");
            }
        });
        FetchResult r = fetch("/limited");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCHED);
        var hits = site.hits().stream().filter(h -> h.path().equals("/limited")).toList();
        assertThat(hits).hasSize(2);
        assertThat(hits.get(1).atNanos() - hits.get(0).atNanos()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aRetryAfterAboveTheCapDefersTheHostInsteadOfWaiting() {
        site.route("/later", ex -> {
            ex.getResponseHeaders().set("Retry-After", "3600");
            TestSite.send(ex, 503, "text/plain", "maintenance");
        });
        FetchResult r = fetch("/later");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCH_ERROR);
        assertThat(r.reason()).isEqualTo("HTTP 503 with Retry-After of 3600 s, above FETCHER_RETRY_AFTER_MAX; host deferred");
        assertThat(site.count("/later")).isEqualTo(1);
    }

    @Test
    void redirectsAreRecordedAndTheTargetIsDiscoveredAtTheSameDepth() {
        site.route("/old", TestSite.redirect(301, "/new#frag"));
        engines.crawl("c", site.url("/"));
        Outcome o = engines.fetch("c", site.url("/old"), UrlKind.PAGE, 2);
        assertThat(o.result().status()).isEqualTo(FetchStatus.REDIRECT);
        assertThat(o.result().httpStatus()).isEqualTo(301);
        assertThat(o.result().redirectTo()).isEqualTo(site.url("/new"));
        assertThat(o.discovered()).singleElement().satisfies(d -> {
            assertThat(d.host()).isEqualTo(site.hostKey());
            assertThat(d.sourceUrl()).isEqualTo(site.url("/old"));
            assertThat(d.urls()).containsExactly(new DiscoveredUrls.Link(site.url("/new"), UrlKind.PAGE, 2));
        });
        assertThat(site.count("/new")).as("the target is a new task, not followed here").isZero();
    }

    @Test
    void redirectChainsStopAtTheHopLimit() {
        engines.close();
        engines = new Engines(Map.of("FETCHER_MAX_REDIRECTS", "2"));
        for (int i = 1; i <= 4; i++) {
            site.route("/r" + i, TestSite.redirect(302, "/r" + (i + 1)));
        }
        engines.crawl("c", site.url("/"));
        assertThat(engines.fetch("c", site.url("/r1")).result().status()).isEqualTo(FetchStatus.REDIRECT);
        assertThat(engines.fetch("c", site.url("/r2")).result().status()).isEqualTo(FetchStatus.REDIRECT);
        Outcome third = engines.fetch("c", site.url("/r3"));
        assertThat(third.result().status()).isEqualTo(FetchStatus.ERROR);
        assertThat(third.result().reason()).isEqualTo("redirect hop limit of 2 exceeded");
        assertThat(third.discovered()).isEmpty();
    }

    @Test
    void oddRedirectsAreErrors() {
        site.route("/noloc", ex -> TestSite.send(ex, 302, "text/html", new byte[0]));
        site.route("/self", TestSite.redirect(301, "/self"));
        site.route("/away", TestSite.redirect(301, "https://elsewhere.example/x"));
        assertThat(fetch("/noloc").reason()).isEqualTo("HTTP 302 without a Location header");
        assertThat(fetch("/self").reason()).isEqualTo("HTTP 301 redirects to itself");
        FetchResult away = engines.fetch("c", site.url("/away")).result();
        assertThat(away.status()).isEqualTo(FetchStatus.REDIRECT);
        assertThat(away.reason()).isEqualTo("HTTP 301; target not followed: host: not an allowed host or domain");
    }

    @Test
    void totalTimeoutCutsASlowBody() {
        CountDownLatch never = new CountDownLatch(1);
        site.route("/slow", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                for (int i = 0; i < 100 && !never.await(300, TimeUnit.MILLISECONDS); i++) {
                    out.write("<p>drip</p>".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        engines.close();
        engines = new Engines(Map.of("FETCHER_TOTAL_TIMEOUT", "1s", "FETCHER_MAX_RETRIES", "0"));
        FetchResult r = fetch("/slow");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCH_ERROR);
        assertThat(r.reason()).startsWith("Total timeout of 1000 ms exceeded");
    }

    @Test
    void readTimeoutWhenTheServerGoesSilent() {
        CountDownLatch never = new CountDownLatch(1);
        site.route("/silent", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, 0);
            try {
                never.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        engines.close();
        engines = new Engines(Map.of("FETCHER_READ_TIMEOUT", "300ms", "FETCHER_MAX_RETRIES", "0"));
        FetchResult r = fetch("/silent");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCH_ERROR);
        assertThat(r.reason()).startsWith("Timed out");
    }

    @Test
    void connectionRefusedIsATransientError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        engines.crawl("c", "http://127.0.0.1:" + port + "/");
        FetchResult r = engines.fetch("c", "http://127.0.0.1:" + port + "/x").result();
        assertThat(r.status()).isEqualTo(FetchStatus.FETCH_ERROR);
        assertThat(r.reason()).contains("robots.txt unreachable").contains("Connection refused");
    }

    @Test
    void gzipAndDeflateBodiesAreDecompressed() {
        site.route("/gz", ex -> {
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            TestSite.send(ex, 200, "text/html", gzip("<title>zipped</title><p>compressed text</p>".getBytes(StandardCharsets.UTF_8)));
        });
        site.route("/deflate", ex -> {
            ex.getResponseHeaders().set("Content-Encoding", "deflate");
            TestSite.send(ex, 200, "text/html", deflate("<title>deflated</title>".getBytes(StandardCharsets.UTF_8)));
        });
        FetchResult gz = fetch("/gz");
        assertThat(gz.title()).isEqualTo("zipped");
        assertThat(gz.text()).isEqualTo("compressed text");
        assertThat(fetch("/deflate").title()).isEqualTo("deflated");
    }

    @Test
    void aCompressionBombIsCutAtTheDecompressedCap() {
        byte[] bomb = gzip(("<html><body>" + "A".repeat(50 << 20) + "</body></html>").getBytes(StandardCharsets.UTF_8));
        assertThat(bomb.length).isLessThan(1 << 20);
        site.route("/bomb", ex -> {
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            TestSite.send(ex, 200, "text/html", bomb);
        });
        site.route("/bomb.png", ex -> {
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            TestSite.send(ex, 200, "image/png", bomb);
        });
        FetchResult page = fetch("/bomb");
        assertThat(page.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(page.truncated()).isTrue();
        assertThat(page.bytes()).isEqualTo(64 * 1024);
        assertThat(page.reason()).isNull();
        FetchResult image = fetchImage("/bomb.png");
        assertThat(image.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(image.reason()).isEqualTo("image larger than IMAGE_MAX_BYTES (65536 bytes)");
    }

    @Test
    void contentTypesOutsideTheAllowlistsAreRefused() {
        site.route("/doc", ex -> TestSite.send(ex, 200, "application/msword", "\u00d0\u00cf\u0011\u00e0 not a page"));
        site.route("/notimage.png", ex -> TestSite.send(ex, 200, "text/html", "<html></html>"));
        site.route("/untyped", ex -> TestSite.send(ex, 200, null, "  <html><title>sniffed</title></html>"));
        site.route("/octet.png", ex -> TestSite.send(ex, 200, "application/octet-stream", PNG));
        FetchResult doc = fetch("/doc");
        assertThat(doc.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(doc.reason()).isEqualTo("content type application/msword is not an allowed page type");
        FetchResult notImage = fetchImage("/notimage.png");
        assertThat(notImage.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(notImage.reason()).isEqualTo("content type text/html is not an allowed image type");
        assertThat(fetch("/untyped").title()).isEqualTo("sniffed");
        FetchResult octet = fetchImage("/octet.png");
        assertThat(octet.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(octet.contentType()).isEqualTo("image/png");
        assertThat(octet.contentHash()).isEqualTo(Hashes.sha256Hex(PNG));
    }

    @Test
    void pdfsGoToTheAnalyzerWhenTheCrawlFetchesThemWithinItsCap() {
        byte[] pdf = "%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        byte[] big = new byte[5000];
        System.arraycopy(pdf, 0, big, 0, pdf.length);
        site.route("/doc.pdf", ex -> TestSite.send(ex, 200, "application/pdf", pdf));
        site.route("/octet", ex -> TestSite.send(ex, 200, "application/octet-stream", pdf));
        site.route("/big.pdf", ex -> TestSite.send(ex, 200, "application/pdf", big));
        Politeness none = new Politeness(0, 1, 0, 0, 0, 0, 0);
        CrawlScope d = CrawlScope.defaults();
        engines.crawl("on", List.of(site.url("/")), d, none);
        engines.crawl("off", List.of(site.url("/")), withPdfs(d, d.fetchImages(), false, d.pdfMaxBytes()), none);
        engines.crawl("no-images", List.of(site.url("/")), withPdfs(d, false, null, d.pdfMaxBytes()), none);
        engines.crawl("small", List.of(site.url("/")), withPdfs(d, true, true, 1000), none);

        for (String path : List.of("/doc.pdf", "/octet")) {
            Outcome o = engines.fetch("on", site.url(path));
            assertThat(o.result().status()).as(path).isEqualTo(FetchStatus.FETCHED);
            assertThat(o.result().contentType()).as(path).isEqualTo("application/pdf");
            assertThat(o.result().contentHash()).as(path).isEqualTo(Hashes.sha256Hex(pdf));
            assertThat(o.images()).as(path).singleElement().satisfies(img -> {
                assertThat(img.meta().contentType()).isEqualTo("application/pdf");
                assertThat(img.meta().contentHash()).isEqualTo(Hashes.sha256Hex(pdf));
                assertThat(img.meta().url()).isEqualTo(site.url(path));
                assertThat(img.bytes()).isEqualTo(pdf);
            });
        }
        assertThat(engines.fetch("on", site.url("/big.pdf")).images()).singleElement()
                .satisfies(img -> assertThat(img.bytes()).hasSize(5000));
        for (String crawl : List.of("off", "no-images")) {
            Outcome o = engines.fetch(crawl, site.url("/doc.pdf"));
            assertThat(o.result().status()).as(crawl).isEqualTo(FetchStatus.ERROR);
            assertThat(o.result().reason()).as(crawl).isEqualTo("content type application/pdf is not an allowed page type");
            assertThat(o.images()).as(crawl).isEmpty();
        }
        Outcome small = engines.fetch("small", site.url("/big.pdf"));
        assertThat(small.result().status()).isEqualTo(FetchStatus.ERROR);
        assertThat(small.result().reason()).isEqualTo("PDF larger than the cap of 1000 bytes (the crawl's pdfMaxBytes, at most IMAGE_MAX_BYTES)");
        assertThat(small.images()).isEmpty();
        assertThat(engines.fetch("small", site.url("/doc.pdf")).images()).hasSize(1);
    }

    private static CrawlScope withPdfs(CrawlScope s, boolean images, Boolean pdfs, long pdfMaxBytes) {
        return new CrawlScope(s.allowedHosts(), s.allowedDomains(), s.includePatterns(), s.excludePatterns(), s.maxDepth(),
                s.maxPagesPerHost(), s.maxPages(), s.deniedExtensions(), images, s.maxOutlinks(), s.followLinks(), s.sitemaps(), pdfs, pdfMaxBytes);
    }

    @Test
    void imagesAreForwardedByContentHash() {
        site.route("/pic.png", ex -> TestSite.send(ex, 200, "image/png", PNG));
        engines.crawl("c", site.url("/"));
        Outcome o = engines.fetch("c", site.url("/pic.png"), UrlKind.IMAGE, 1);
        assertThat(o.result().status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(o.images()).singleElement().satisfies(img -> {
            assertThat(img.bytes()).isEqualTo(PNG);
            assertThat(img.meta().contentHash()).isEqualTo(Hashes.sha256Hex(PNG));
            assertThat(img.meta().url()).isEqualTo(site.url("/pic.png"));
        });
    }

    @Test
    void largePagesAreCutAndMarked() {
        site.route("/huge", ex -> TestSite.send(ex, 200, "text/html", "<title>big</title><p>" + "word ".repeat(40_000) + "</p>"));
        FetchResult r = fetch("/huge");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(r.title()).isEqualTo("big");
        assertThat(r.truncated()).isTrue();
        assertThat(r.bytes()).isEqualTo(64 * 1024);
    }

    @Test
    void charsetFromTheHeaderIsUsed() {
        site.route("/latin1", ex -> TestSite.send(ex, 200, "text/html; charset=ISO-8859-1",
                "<title>caf\u00e9</title><p>cr\u00e8me br\u00fbl\u00e9e</p>".getBytes(StandardCharsets.ISO_8859_1)));
        FetchResult r = fetch("/latin1");
        assertThat(r.title()).isEqualTo("caf\u00e9");
        assertThat(r.text()).isEqualTo("cr\u00e8me br\u00fbl\u00e9e");
    }

    @Test
    void binaryGarbageServedAsHtmlIsStillARecordedOutcome() {
        byte[] junk = new byte[20_000];
        new java.util.Random(7).nextBytes(junk);
        site.route("/junk", ex -> TestSite.send(ex, 200, "text/html", junk));
        FetchResult r = fetch("/junk");
        assertThat(r.status()).isIn(FetchStatus.FETCHED, FetchStatus.ERROR);
        assertThat(r.url()).isEqualTo(site.url("/junk"));
    }

    static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(data);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] deflate(byte[] data) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (DeflaterOutputStream d = new DeflaterOutputStream(bos)) {
                d.write(data);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
