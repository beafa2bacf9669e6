package dev.crawlocr.fetcher.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A page task's response of a type the crawl keeps as data is stored as it came; HTML is still parsed. */
class DataResponseTest {
    private static final String JSON = "{\"name\":\"Café Ünïcode\",\"next\":\"/more.html\",\"links\":[\"<a href='/x'>x</a>\"]}";
    private final TestSite site = new TestSite();
    private final Engines engines = new Engines();

    @AfterEach
    void close() {
        engines.close();
        site.close();
    }

    private Outcome fetch(String path, List<String> acceptTypes, long bodyMaxBytes) {
        String crawlId = "c-" + path.hashCode() + "-" + acceptTypes.size() + "-" + bodyMaxBytes;
        engines.crawl(crawlId, site.url("/"), new RequestSettings(Map.of(), acceptTypes, bodyMaxBytes, false));
        return engines.fetch(crawlId, site.url(path));
    }

    private Outcome fetch(String path, List<String> acceptTypes) {
        return fetch(path, acceptTypes, RequestSettings.DEFAULT_BODY_MAX_BYTES);
    }

    @Test
    void aJsonResponseIsKeptAsItCameWithNoTitleAndNoLinks() {
        byte[] body = JSON.getBytes(StandardCharsets.UTF_8);
        site.route("/api/item", ex -> TestSite.send(ex, 200, "application/json", body));
        Outcome o = fetch("/api/item", List.of("application/json", "text/csv"));
        FetchResult r = o.result();
        assertThat(r.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(r.reason()).isNull();
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.text()).isEqualTo(JSON);
        assertThat(r.title()).isNull();
        assertThat(r.truncated()).isFalse();
        assertThat(r.contentHash()).isEqualTo(Hashes.sha256Hex(body));
        assertThat(r.bytes()).isEqualTo(body.length);
        assertThat(r.outlinkCount()).isZero();
        assertThat(r.imageUrls()).isEmpty();
        assertThat(r.droppedLinks()).isEmpty();
        assertThat(o.discovered()).isEmpty();
        assertThat(o.images()).isEmpty();
    }

    @Test
    void theBodyIsDecodedWithItsCharsetAndMalformedBytesAreReplaced() {
        site.route("/latin1.csv", ex -> TestSite.send(ex, 200, "text/csv; charset=\"ISO-8859-1\"", "name,city\nZoë,Malmö\n".getBytes(StandardCharsets.ISO_8859_1)));
        site.route("/unknown.csv", ex -> TestSite.send(ex, 200, "text/csv; charset=x-no-such-charset", "é,1\n".getBytes(StandardCharsets.UTF_8)));
        site.route("/broken.txt", ex -> TestSite.send(ex, 200, "text/plain", new byte[] {'a', (byte) 0xFF, 'b'}));
        List<String> types = List.of("text/csv", "text/plain");
        assertThat(fetch("/latin1.csv", types).result().text()).isEqualTo("name,city\nZoë,Malmö\n");
        assertThat(fetch("/unknown.csv", types).result().text()).as("UTF-8 when the charset is unknown").isEqualTo("é,1\n");
        FetchResult broken = fetch("/broken.txt", types).result();
        assertThat(broken.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(broken.text()).isEqualTo("a\uFFFDb");
        assertThat(broken.bytes()).isEqualTo(3);
    }

    @Test
    void aBodyOverTheCrawlsCapIsCutOnACharacterBoundaryAndHashedWhole() {
        byte[] body = "ééééééé".getBytes(StandardCharsets.UTF_8); // 14 bytes, 2 a character
        site.route("/long.txt", ex -> TestSite.send(ex, 200, "text/plain; charset=utf-8", body));
        FetchResult atTen = fetch("/long.txt", List.of("text/plain"), 10).result();
        assertThat(atTen.text()).isEqualTo("ééééé");
        assertThat(atTen.truncated()).isTrue();
        assertThat(atTen.bytes()).isEqualTo(14);
        assertThat(atTen.contentHash()).isEqualTo(Hashes.sha256Hex(body));
        FetchResult atEleven = fetch("/long.txt", List.of("text/plain"), 11).result();
        assertThat(atEleven.text()).as("no half character at the cut").isEqualTo("ééééé");
        assertThat(atEleven.truncated()).isTrue();
        FetchResult whole = fetch("/long.txt", List.of("text/plain"), 14).result();
        assertThat(whole.text()).isEqualTo("ééééééé");
        assertThat(whole.truncated()).isFalse();
    }

    @Test
    void htmlIsStillParsedInACrawlThatKeepsData() {
        site.route("/page.html", TestSite.html("<title>Harbour</title><p>Boats</p><a href='/next.html'>next</a>"));
        Outcome o = fetch("/page.html", List.of("application/json", "text/plain"));
        assertThat(o.result().status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(o.result().title()).isEqualTo("Harbour");
        assertThat(o.result().text()).doesNotContain("<");
        assertThat(o.discovered().stream().flatMap(d -> d.urls().stream()).map(DiscoveredUrls.Link::url)).containsExactly(site.url("/next.html"));
    }

    @Test
    void aTypeTheCrawlDoesNotKeepIsStillRefused() {
        site.route("/data.csv", ex -> TestSite.send(ex, 200, "text/csv", "a,b\n"));
        site.route("/data.json", ex -> TestSite.send(ex, 200, "application/json", "{}"));
        FetchResult csv = fetch("/data.csv", List.of("application/json")).result();
        assertThat(csv.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(csv.reason()).isEqualTo("content type text/csv is not an allowed page type");
        assertThat(csv.text()).isNull();
        FetchResult json = fetch("/data.json", List.of()).result();
        assertThat(json.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(json.reason()).isEqualTo("content type application/json is not an allowed page type");
    }
}
