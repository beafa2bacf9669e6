package dev.crawlocr.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.FetchEngine;
import dev.crawlocr.fetcher.FetcherConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Fails today: the fetcher drains the rest of a body it has cut at its cap, so an endless body times out. */
class BodyCapDrainIT {

    @Test
    void aBodyCutAtTheCapIsNotDownloadedFurther() {
        try (HostileServer server = new HostileServer()) {
            server.route("/endless", HostileRoutes.endless(HostileRoutes.HTML, "<html><head><title>Endless</title></head><body>".getBytes(StandardCharsets.UTF_8)))
                    .route("/huge", HostileRoutes.huge(HostileRoutes.HTML, "<html><head><title>Huge</title></head><body>".getBytes(StandardCharsets.UTF_8), 50L << 20))
                    .route("/endless.png", HostileRoutes.endless("image/png", HostileImages.text("X")));
            FetcherConfig config = FetcherConfig.from(FetcherConfig.DEF.parse(Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8", "FETCHER_PAGE_MAX_BYTES", "1MB",
                    "IMAGE_MAX_BYTES", "1MB", "FETCHER_TOTAL_TIMEOUT", "4s", "FETCHER_MAX_RETRIES", "0")));
            CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, "drain", CrawlJob.State.RUNNING, List.of(server.url("/endless")),
                    CrawlScope.defaults(), new Politeness(0, 1, 0, 0, 0, 0, 0), OcrSettings.defaults(), Instant.now());
            try (FetchEngine engine = new FetchEngine(config, id -> Optional.of(job), new SimpleMeterRegistry())) {
                FetchResult endless = fetch(engine, server.url("/endless"), UrlKind.PAGE);
                FetchResult huge = fetch(engine, server.url("/huge"), UrlKind.PAGE);
                FetchResult image = fetch(engine, server.url("/endless.png"), UrlKind.IMAGE);
                System.out.printf("endless: %s %s (%d ms); huge: %s, server sent %d bytes; endless image: %s %s%n",
                        endless.status(), endless.reason(), endless.fetchMs(), huge.status(), server.bytesSent("/huge"), image.status(), image.reason());
                assertThat(endless.status()).as("endless page: %s", endless.reason()).isEqualTo(FetchStatus.FETCHED);
                assertThat(endless.truncated()).isTrue();
                assertThat(endless.bytes()).isEqualTo(1L << 20);
                assertThat(server.bytesSent("/huge")).as("bytes of the 50 MB page sent for a 1 MB cap").isLessThan(24L << 20);
                assertThat(image.reason()).isEqualTo("image larger than IMAGE_MAX_BYTES (1048576 bytes)");
            }
        }
    }

    private static FetchResult fetch(FetchEngine engine, String url, UrlKind kind) {
        FetchTask task = new FetchTask(FetchTask.SCHEMA, "drain", url, Urls.hostKey(url).orElseThrow(), kind, 0, 1, System.currentTimeMillis() + 60_000);
        return engine.submit(task, 0).orTimeout(60, TimeUnit.SECONDS).join().result();
    }
}
