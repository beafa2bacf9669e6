package dev.crawlocr.it.hostile;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.kafka.DeadLetters;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;

/**
 * What each case of the {@link HostileWeb} must have left in PostgreSQL after the crawl, with the reason texts the
 * fetcher and analyzer actually record. Collects every mismatch in one {@link SoftAssertions}.
 */
final class HostileWebChecks {
    private final HostileWeb web;
    private final CrawlDb db;
    private final SoftAssertions soft;

    HostileWebChecks(HostileWeb web, CrawlDb db, SoftAssertions soft) {
        this.web = web;
        this.db = db;
        this.soft = soft;
    }

    /** Prints how much of each large body the servers actually sent (the caps are 1 MB for pages, 512 KB for robots.txt). */
    void printBytesSent() {
        System.out.printf("Bytes sent: 50 MB page %d (%d requests), endless page %d (%d requests), endless image %d, 20 MB robots.txt %d%n",
                web.content.bytesSent("/huge"), web.content.hits("/huge"), web.endless.bytesSent("/endless"), web.endless.hits("/endless"),
                web.endless.bytesSent("/endless.png"), web.robotsHuge.bytesSent("/robots.txt"));
    }

    void goodHostFetchedWhole() throws SQLException {
        for (String url : web.good.pageUrls()) {
            CrawlDb.Page p = db.page(url);
            soft.assertThat(p).as("page row of %s", url).isNotNull();
            if (p != null) {
                soft.assertThat(p.status()).as("status of %s", url).isEqualTo("FETCHED");
            }
        }
        for (String url : web.good.imageTexts().keySet()) {
            CrawlDb.Image i = db.image(url);
            soft.assertThat(i).as("image row of %s", url).isNotNull();
            if (i != null) {
                soft.assertThat(i.status()).as("status of %s", url).isEqualTo("FETCHED");
                CrawlDb.Ocr o = db.ocr(i.contentHash());
                soft.assertThat(o).as("OCR of %s", url).isNotNull();
                if (o != null) {
                    soft.assertThat(o.status()).as("OCR status of %s", url).isEqualTo("OK");
                }
            }
        }
        Map<String, Integer> hits = web.good.hits();
        web.good.pageUrls().forEach(u -> soft.assertThat(hits.get(u.substring(web.good.baseUrl().length()))).as("fetches of %s", u).isEqualTo(1));
    }

    void bodiesThatNeverEnd() throws SQLException {
        String drip = web.drip.url("/drip");
        expectPage(drip, "FETCH_ERROR", "Total timeout of 4000 ms exceeded after 2 attempts");
        soft.assertThat(db.errorReasons(drip)).as("fetch_errors of %s (one per writer attempt)", drip)
                .containsExactly("FETCH_ERROR: Total timeout of 4000 ms exceeded after 2 attempts",
                        "FETCH_ERROR: Total timeout of 4000 ms exceeded after 2 attempts");
        soft.assertThat(web.drip.hits("/drip")).as("requests to the drip (2 writer attempts x 2 tries)").isEqualTo(4);

        // An endless body is cut at the page cap, stored as a truncated page, and not read any further.
        CrawlDb.Page p = expectPage(web.endless.url("/endless"), "FETCHED", null);
        if (p != null) {
            soft.assertThat(p.truncated()).as("endless page cut at the cap").isTrue();
        }
        soft.assertThat(web.endless.hits("/endless")).as("requests to the endless page").isEqualTo(1);
    }

    void bombsAndHugePages(long pageMax, long imageMax) throws SQLException {
        CrawlDb.Page bomb = expectPage(web.content.url("/gzip-bomb"), "FETCHED", null);
        if (bomb != null) {
            soft.assertThat(bomb.truncated()).as("gzip bomb cut at the page cap").isTrue();
            soft.assertThat(bomb.bytes()).as("gzip bomb bytes kept").isEqualTo(pageMax);
            soft.assertThat(bomb.title()).isEqualTo("Gzip bomb");
        }
        CrawlDb.Page huge = expectPage(web.content.url("/huge"), "FETCHED", null);
        if (huge != null) {
            soft.assertThat(huge.truncated()).as("50 MB page cut at the page cap").isTrue();
            soft.assertThat(huge.bytes()).isEqualTo(pageMax);
            soft.assertThat(huge.title()).isEqualTo("Fifty megabytes");
        }
        soft.assertThat(web.content.hits("/huge")).as("requests for the 50 MB page").isEqualTo(1);
    }

    void malformedMarkupAndCharsets() throws SQLException {
        CrawlDb.Page nested = expectPage(web.content.url("/nested"), "FETCHED", null);
        if (nested != null) {
            soft.assertThat(nested.text()).as("text of 100,000 nested divs").contains("deepest text");
        }
        CrawlDb.Page malformed = expectPage(web.content.url("/malformed"), "FETCHED", null);
        if (malformed != null) {
            soft.assertThat(malformed.title()).isEqualTo("Malformed");
            soft.assertThat(malformed.text()).as("NUL removed, text kept").contains("NULhere").doesNotContain("\u0000");
        }
        expectPage(web.content.url("/malformed-target"), "FETCHED", null);
        CrawlDb.Page bogusHeader = expectPage(web.content.url("/charset/bogus-header"), "FETCHED", null);
        if (bogusHeader != null) {
            soft.assertThat(bogusHeader.text()).as("unknown header charset falls back to detection").contains("café");
        }
        CrawlDb.Page wrongBytes = expectPage(web.content.url("/charset/wrong-bytes"), "FETCHED", null);
        if (wrongBytes != null) {
            soft.assertThat(wrongBytes.text()).as("Latin-1 bytes declared UTF-8").contains("caf\uFFFD");
        }
        CrawlDb.Page bogusMeta = expectPage(web.content.url("/charset/bogus-meta"), "FETCHED", null);
        if (bogusMeta != null) {
            soft.assertThat(bogusMeta.text()).as("invalid meta charset name").contains("meta café");
        }
        expectPage(web.content.url("/broken-gzip"), "FETCH_ERROR", "ZipException: Not in GZIP format after 2 attempts");
        expectPage(web.content.url("/doc"), "ERROR", "content type application/msword is not an allowed page type");
    }

    void redirects() throws SQLException {
        HostileServer r = web.redirects;
        CrawlDb.Page a = expectPage(r.url("/loop/a"), "REDIRECT", "HTTP 302");
        CrawlDb.Page b = expectPage(r.url("/loop/b"), "REDIRECT", "HTTP 302");
        if (a != null && b != null) {
            soft.assertThat(a.redirectTo()).isEqualTo(r.url("/loop/b"));
            soft.assertThat(b.redirectTo()).isEqualTo(r.url("/loop/a"));
        }
        soft.assertThat(r.hits("/loop/a") + r.hits("/loop/b")).as("requests in the redirect loop").isEqualTo(2);
        expectPage(r.url("/self"), "ERROR", "HTTP 301 redirects to itself");
        for (int n = 1; n <= 3; n++) {
            expectPage(r.url("/chain/" + n), "REDIRECT", "HTTP 302");
        }
        expectPage(r.url("/chain/4"), "ERROR", "redirect hop limit of 3 exceeded");
        soft.assertThat(db.urlStatus(r.url("/chain/5"))).as("hop 5 never registered").isNull();
        expectPage(r.url("/to-private"), "DENIED", "redirect target refused: SSRF guard blocked 10.0.0.1: 10.0.0.1 is a private address");
        expectPage(r.url("/to-metadata"), "DENIED",
                "redirect target refused: SSRF guard blocked 169.254.169.254: 169.254.169.254 is a cloud metadata address");
        expectPage(r.url("/to-192"), "DENIED", "redirect target refused: SSRF guard blocked 192.168.1.1: 192.168.1.1 is a private address");
        // The URL normalizer refuses the IPv4-mapped IPv6 literal before the SSRF guard sees it: refused all the same.
        expectPage(r.url("/to-mapped"), "ERROR", "HTTP 302 to an invalid location: http://[::ffff:10.0.0.1]/");
        soft.assertThat(db.urlsLike("http://10.")).as("private targets never registered").isEmpty();
        soft.assertThat(db.urlsLike("http://169.254.")).isEmpty();
        soft.assertThat(db.urlsLike("http://192.168.")).isEmpty();
    }

    void statusAndRobots() throws SQLException {
        expectPage(web.tooMany.url("/"), "FETCHED", null);
        List<Long> arrivals = web.tooMany.arrivals("/");
        soft.assertThat(arrivals).as("requests to the 429 host").hasSize(2);
        if (arrivals.size() == 2) {
            soft.assertThat((arrivals.get(1) - arrivals.get(0)) / 1_000_000).as("ms between the 429 and the retry (Retry-After: 2)")
                    .isGreaterThanOrEqualTo(1_900);
        }
        String behind500 = web.robots500.url("/page");
        expectPage(behind500, "FETCH_ERROR", "robots.txt answered HTTP 500; host deferred");
        soft.assertThat(web.robots500.hits("/page")).as("pages fetched behind a failing robots.txt").isZero();
        String behindHang = web.robotsHang.url("/page");
        CrawlDb.Page hang = expectPage(behindHang, "FETCH_ERROR", null);
        if (hang != null) {
            soft.assertThat(hang.reason()).startsWith("robots.txt unreachable: Timed out");
        }
        soft.assertThat(web.robotsHang.hits("/page")).isZero();
        expectPage(web.robotsHuge.url("/secret"), "DENIED", "robots.txt disallows /secret");
        expectPage(web.robotsHuge.url("/ok"), "FETCHED", null);
        soft.assertThat(web.robotsHuge.hits("/robots.txt")).as("robots.txt fetched once and cached").isEqualTo(1);
        expectPage(web.robotsToPrivate.url("/page"), "DENIED", "SSRF guard blocked 10.0.0.1: 10.0.0.1 is a private address");
        soft.assertThat(web.robotsToPrivate.hits("/page")).isZero();
    }

    void linkFloodAndTraps(int maxDepth) throws SQLException {
        String many = web.content.url("/many-links");
        CrawlDb.Page p = expectPage(many, "FETCHED", null);
        if (p != null) {
            soft.assertThat(p.outlinks()).as("distinct links counted on the page").isEqualTo(HostileWeb.LINKS);
        }
        soft.assertThat(db.count("SELECT count(*) FROM urls WHERE crawl_id = ? AND discovered_from = ?", many))
                .as("links followed from the 10,000-link page (FETCHER_MAX_OUTLINKS)").isEqualTo(100);
        soft.assertThat(db.count("SELECT count(*) FROM pages WHERE crawl_id = ? AND starts_with(url, ?) AND status = 'FETCHED'",
                web.leaves.url("/n/"))).as("leaf pages fetched").isEqualTo(100);

        soft.assertThat(db.urlsLike(web.content.url("/trap/"))).as("spider trap /a/a/a/...")
                .containsExactly(web.content.url("/trap/a/"), web.content.url("/trap/a/a/"), web.content.url("/trap/a/a/a/"));
        List<String> calendar = db.urlsLike(web.content.url("/cal/"));
        long within = 2L * (maxDepth - 1) * maxDepth + 1; // months within maxDepth-1 steps of the first one
        soft.assertThat(calendar).as("infinite calendar bounded by maxDepth").isNotEmpty().hasSizeLessThanOrEqualTo((int) within);
        soft.assertThat(db.count("SELECT max(depth) FROM urls WHERE crawl_id = ? AND starts_with(url, ?)", web.content.url("/cal/")))
                .as("deepest calendar page").isEqualTo(maxDepth);
    }

    void brokenHttp() throws SQLException {
        CrawlDb.Page garbage = expectPage(web.raw.url("/garbage"), "FETCH_ERROR", null);
        if (garbage != null) {
            soft.assertThat(garbage.reason()).as("reason for a non-HTTP answer").endsWith("after 2 attempts");
        }
        CrawlDb.Page shortBody = expectPage(web.raw.url("/short"), "FETCH_ERROR", null);
        if (shortBody != null) {
            soft.assertThat(shortBody.reason()).as("reason for a body shorter than its Content-Length")
                    .contains("Premature end of Content-Length delimited message body").endsWith("after 2 attempts");
        }
    }

    void imagesRefusedByTheFetcher(long imageMax) throws SQLException {
        expectImage(web.endless.url("/endless.png"), "ERROR", "image larger than IMAGE_MAX_BYTES (" + imageMax + " bytes)");
        expectImage(web.content.url("/img/gzip-bomb.png"), "ERROR", "image larger than IMAGE_MAX_BYTES (" + imageMax + " bytes)");
        expectImage(web.content.url("/img/text-html.png"), "ERROR", "content type text/html is not an allowed image type");
        CrawlDb.Image ok = expectImage(web.content.url("/img/ok.png"), "FETCHED", null);
        if (ok != null) {
            CrawlDb.Ocr o = db.ocr(ok.contentHash());
            soft.assertThat(o).as("OCR of the control image").isNotNull();
            if (o != null) {
                soft.assertThat(o.status()).isEqualTo("OK");
                soft.assertThat(o.text()).contains("HOSTILE CONTROL");
            }
        }
    }

    void imagesRefusedByTheAnalyzer(Map<String, DeadLetterReader.Letter> letters) throws SQLException {
        expectOcrFailure("/img/bomb.png", web.bombPng, letters,
                "too_many_pixels: The png image is 100000x100000 = 10000000000 pixels, more than the budget of 40000000");
        expectOcrFailure("/img/corrupt.png", web.corruptPng, letters, "corrupt_image: Cannot decode the image: ");
        expectOcrFailure("/img/truncated.png", web.truncatedPng, letters, "corrupt_image: Cannot decode the image: ");
        expectOcrFailure("/img/html-as.png", web.htmlAsPng, letters,
                "unsupported_format: Not a recognised image (PNG, JPEG, GIF, BMP, WebP or TIFF); starts with 0x3c21646f63747970");
    }

    /** A fake PDF is fetched as a page and sent to the analyzer, which fails it as corrupt and dead-letters it. */
    void fakePdfRefusedByTheAnalyzer(Map<String, DeadLetterReader.Letter> letters) throws SQLException {
        expectPage(web.content.url("/pdf"), "FETCHED", null);
        expectAnalyzerFailure(web.content.url("/pdf"), web.fakePdf, letters, "pdf_corrupt: Not a readable PDF: ");
    }

    private void expectOcrFailure(String path, byte[] bytes, Map<String, DeadLetterReader.Letter> letters, String reasonPrefix) throws SQLException {
        String url = web.content.url(path);
        CrawlDb.Image image = expectImage(url, "FETCHED", null);
        if (image != null) {
            soft.assertThat(image.contentHash()).isEqualTo(Hashes.sha256Hex(bytes));
        }
        expectAnalyzerFailure(url, bytes, letters, reasonPrefix);
    }

    private void expectAnalyzerFailure(String url, byte[] bytes, Map<String, DeadLetterReader.Letter> letters, String reasonPrefix) throws SQLException {
        String hash = Hashes.sha256Hex(bytes);
        CrawlDb.Ocr ocr = db.ocr(hash);
        soft.assertThat(ocr).as("ocr_results row of %s", url).isNotNull();
        if (ocr != null) {
            soft.assertThat(ocr.status()).as("OCR status of %s", url).isEqualTo("FAILED");
            soft.assertThat(ocr.reason()).as("OCR reason of %s", url).startsWith(reasonPrefix);
        }
        DeadLetterReader.Letter l = letters.get(hash);
        soft.assertThat(l).as("dead letter of %s", url).isNotNull();
        if (l != null) {
            soft.assertThat(l.header(DeadLetters.STAGE)).as("dead letter stage of %s", url).isEqualTo("analyzer");
            soft.assertThat(l.header(DeadLetters.EXCEPTION)).isEqualTo("dev.crawlocr.common.kafka.RecordFailure");
            soft.assertThat(l.header(DeadLetters.MESSAGE)).as("dead letter message of %s", url).startsWith(reasonPrefix);
            soft.assertThat(l.header(DeadLetters.TOPIC)).isEqualTo("crawl.images");
            soft.assertThat(l.valueBytes()).as("dead letter keeps the image bytes").isEqualTo(bytes.length);
        }
    }

    /** Checks a page's stored status, and its reason unless {@code reason} is null for a non-FETCHED status. */
    private CrawlDb.Page expectPage(String url, String status, String reason) throws SQLException {
        CrawlDb.Page p = db.page(url);
        soft.assertThat(p).as("page row of %s", url).isNotNull();
        if (p != null) {
            soft.assertThat(p.status()).as("status of %s (reason: %s)", url, p.reason()).isEqualTo(status);
            if (reason != null || status.equals("FETCHED")) {
                soft.assertThat(p.reason()).as("reason of %s", url).isEqualTo(reason);
            }
        }
        return p;
    }

    private CrawlDb.Image expectImage(String url, String status, String reason) throws SQLException {
        CrawlDb.Image i = db.image(url);
        soft.assertThat(i).as("image row of %s", url).isNotNull();
        if (i != null) {
            soft.assertThat(i.status()).as("status of image %s (reason: %s)", url, i.reason()).isEqualTo(status);
            if (reason != null || status.equals("FETCHED")) {
                soft.assertThat(i.reason()).as("reason of image %s", url).isEqualTo(reason);
            }
        }
        return i;
    }
}
