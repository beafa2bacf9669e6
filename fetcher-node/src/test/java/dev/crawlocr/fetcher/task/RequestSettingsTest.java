package dev.crawlocr.fetcher.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crawl's request settings on the wire: its headers with secrets resolved, robots.txt switched off. */
class RequestSettingsTest {
    @TempDir
    Path secrets;
    private final TestSite site = new TestSite();
    private final Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    private Engines engines;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(secrets.resolve("API_TOKEN"), "t0k3n-value\n");
        engines = new Engines(Map.of("FETCHER_SECRETS_DIR", secrets.toString(), "FETCHER_RETRY_AFTER_MAX", "10s"));
        for (String path : List.of("/robots.txt", "/data")) {
            site.route(path, ex -> {
                seen.put(path, Map.of("authorization", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")),
                        "x-client", String.valueOf(ex.getRequestHeaders().getFirst("X-Client"))));
                TestSite.send(ex, 200, path.equals("/robots.txt") ? "text/plain" : "text/html",
                        path.equals("/robots.txt") ? "User-agent: *\nDisallow: /private\n" : "<title>data</title>");
            });
        }
        site.route("/private", TestSite.html("<title>private</title>"));
        site.route("/busy", ex -> {
            ex.getResponseHeaders().set("Retry-After", "120");
            TestSite.send(ex, 429, "text/plain", "slow down");
        });
    }

    @AfterEach
    void close() {
        engines.close();
        site.close();
    }

    private void crawl(Map<String, String> headers, boolean ignoreRobots) {
        engines.job(new CrawlJob(CrawlJob.SCHEMA, "c", CrawlJob.State.RUNNING, List.of(site.url("/")), CrawlScope.defaults(),
                new Politeness(0, 1, 0, 0, 0, 0, 0), OcrSettings.defaults(), Instant.now(),
                new RequestSettings(headers, List.of(), RequestSettings.DEFAULT_BODY_MAX_BYTES, ignoreRobots), 0));
    }

    @Test
    void everyRequestCarriesTheHeadersWithTheirSecretsResolved() {
        crawl(Map.of("Authorization", "Bearer ${secret:API_TOKEN}", "X-Client", "crawlocr-test"), false);
        FetchResult r = engines.fetch("c", site.url("/data")).result();
        assertThat(r.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(seen.get("/data")).containsEntry("authorization", "Bearer t0k3n-value").containsEntry("x-client", "crawlocr-test");
        assertThat(seen.get("/robots.txt")).as("robots.txt is asked with the same headers").containsEntry("authorization", "Bearer t0k3n-value");
        assertThat(r.toString()).doesNotContain("t0k3n-value");
    }

    @Test
    void aMissingSecretSendsNothingAndSaysWhichSecret() {
        crawl(Map.of("Authorization", "Bearer ${secret:OTHER_TOKEN}"), false);
        FetchResult r = engines.fetch("c", site.url("/data")).result();
        assertThat(r.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(r.reason()).contains("secret OTHER_TOKEN is not set on this fetcher").contains("the request was not sent");
        assertThat(site.hits()).as("requests the site received").isEmpty();
    }

    @Test
    void aCrawlThatIgnoresRobotsTxtNeverAsksForItAndFetchesWhatItDisallows() {
        crawl(Map.of(), true);
        assertThat(engines.fetch("c", site.url("/private")).result().status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(site.count("/robots.txt")).isZero();
        crawl(Map.of(), false);
        assertThat(engines.fetch("c", site.url("/private")).result().status()).as("with robots.txt obeyed").isEqualTo(FetchStatus.DENIED);
    }

    @Test
    void aRetryAfterBeyondWhatATaskWaitsEndsTheTaskAndDefersTheHost() {
        crawl(Map.of(), true);
        FetchResult r = engines.fetch("c", site.url("/busy")).result();
        assertThat(r.status()).isEqualTo(FetchStatus.FETCH_ERROR);
        assertThat(r.httpStatus()).isEqualTo(429);
        assertThat(r.reason()).isEqualTo("HTTP 429 with Retry-After of 120 s, above FETCHER_RETRY_AFTER_MAX; host deferred");
        assertThat(site.count("/busy")).isEqualTo(1);
    }
}
