package dev.crawlocr.fetcher.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A recrawl's fetch: a conditional GET with the last fetch's validators, and no second OCR of an unchanged image. */
class ConditionalGetTest {
    private static final String PAGE = "<html><head><title>Tides</title></head><body><p>High water at noon.</p><a href=\"/next\">next</a></body></html>";
    private static final String LAST_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1, 2, 3};

    private final TestSite site = new TestSite();
    private final Engines engines = new Engines();
    /** The validators each request to /page sent: If-None-Match and If-Modified-Since, "-" when absent. */
    private final List<String> validators = new CopyOnWriteArrayList<>();

    ConditionalGetTest() {
        site.route("/page", ex -> {
            String etag = ex.getRequestHeaders().getFirst("If-None-Match");
            String since = ex.getRequestHeaders().getFirst("If-Modified-Since");
            validators.add((etag == null ? "-" : etag) + " " + (since == null ? "-" : since));
            ex.getResponseHeaders().add("ETag", "\"a1\"");
            ex.getResponseHeaders().add("Last-Modified", LAST_MODIFIED);
            if ("\"a1\"".equals(etag)) {
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            TestSite.send(ex, 200, "text/html; charset=utf-8", PAGE);
        });
        site.route("/image.png", ex -> TestSite.send(ex, 200, "image/png", PNG)); // no validators: always the whole image
    }

    @AfterEach
    void close() {
        engines.close();
        site.close();
    }

    private FetchTask recrawl(String path, UrlKind kind, String etag, String lastModified, String contentHash) {
        String url = site.url(path);
        return new FetchTask(FetchTask.SCHEMA, "c", url, Urls.hostKey(url).orElseThrow(), kind, 0, 1, System.currentTimeMillis() + 60_000, 0,
                etag, lastModified, contentHash);
    }

    @Test
    void aFetchKeepsTheValidatorsAndARecrawlSendsThemAndRecordsA304AsNotModified() {
        engines.crawl("c", site.url("/page"));
        FetchResult first = engines.fetch("c", site.url("/page")).result();
        assertThat(first.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(first.etag()).isEqualTo("\"a1\"");
        assertThat(first.lastModified()).isEqualTo(LAST_MODIFIED);
        assertThat(first.notModified()).isFalse();

        Outcome again = engines.fetch(recrawl("/page", UrlKind.PAGE, first.etag(), first.lastModified(), first.contentHash()));
        assertThat(validators).containsExactly("- -", "\"a1\" " + LAST_MODIFIED);
        FetchResult r = again.result();
        assertThat(r.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(r.httpStatus()).isEqualTo(304);
        assertThat(r.notModified()).isTrue();
        assertThat(r.contentHash()).isEqualTo(first.contentHash());
        assertThat(r.etag()).isEqualTo("\"a1\"");
        assertThat(r.title()).isNull();
        assertThat(again.discovered()).isEmpty();
    }

    @Test
    void aStaleValidatorGetsTheWholePageWithItsNewValidators() {
        engines.crawl("c", site.url("/page"));
        Outcome again = engines.fetch(recrawl("/page", UrlKind.PAGE, "\"old\"", null, "0".repeat(64)));
        assertThat(validators).containsExactly("\"old\" -");
        assertThat(again.result().httpStatus()).isEqualTo(200);
        assertThat(again.result().title()).isEqualTo("Tides");
        assertThat(again.result().etag()).isEqualTo("\"a1\"");
        assertThat(again.discovered()).isNotEmpty();
    }

    @Test
    void anImageWhoseBytesHashAsBeforeIsNotSentForOcrAgain() {
        engines.crawl("c", site.url("/page"));
        String hash = Hashes.sha256Hex(PNG);
        Outcome first = engines.fetch("c", site.url("/image.png"), UrlKind.IMAGE, 1);
        assertThat(first.images()).hasSize(1);
        assertThat(first.result().contentHash()).isEqualTo(hash);

        Outcome same = engines.fetch(recrawl("/image.png", UrlKind.IMAGE, null, null, hash));
        assertThat(same.result().status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(same.result().contentHash()).isEqualTo(hash);
        assertThat(same.images()).isEmpty();

        Outcome changed = engines.fetch(recrawl("/image.png", UrlKind.IMAGE, null, null, "f".repeat(64)));
        assertThat(changed.images()).extracting(i -> i.meta().contentHash()).containsExactly(hash);
        assertThat(site.count("/image.png")).isEqualTo(3);
        assertThat(validators).isEmpty();
    }
}
