package dev.crawlocr.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.fetcher.testing.CrawlHarness;
import dev.crawlocr.fetcher.testing.KafkaTap;
import dev.crawlocr.fetcher.testing.TestSite;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A crawl of the demo site through a real broker: pages, discovered links and image records come out. */
class FetcherIT {

    @Test
    void crawlsTheDemoSiteThroughKafka() throws Exception {
        String bootstrap = TestServices.kafkaBootstrap();
        try (DemoSite site = DemoSite.start(24, 4);
             CrawlHarness crawl = new CrawlHarness(bootstrap);
             FetcherNode fetcher = FetcherNode.start(CrawlHarness.fetcherEnv(bootstrap))) {
            crawl.publishJob(List.of(site.seedUrl()), CrawlScope.defaults(), new Politeness(10, 1, 0, 0, 0, 0, 0));
            crawl.seed(site.seedUrl());

            int images = site.imageTexts().size();
            // every page and image has its outcome (the denied /private/ link has one too, so a count would not do)
            List<String> expected = new java.util.ArrayList<>(site.imageTexts().keySet());
            for (int i = 0; i < 24; i++) {
                expected.add(site.pageUrl(i));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> crawl.results().keySet().containsAll(expected) && crawl.images().size() >= images);

            Map<String, FetchResult> results = crawl.results();
            for (int i = 0; i < 24; i++) {
                FetchResult page = results.get(site.pageUrl(i));
                assertThat(page).as("result for page %d", i).isNotNull();
                assertThat(page.status()).isEqualTo(FetchStatus.FETCHED);
                assertThat(page.httpStatus()).isEqualTo(200);
                assertThat(page.title()).isEqualTo("Demo page " + i);
                assertThat(page.text()).contains("This is page number " + i);
                assertThat(page.contentType()).startsWith("text/html");
                assertThat(page.imageUrls()).containsExactly(site.baseUrl() + "/img/" + (i - i % 4) + ".png");
                assertThat(page.outlinkCount()).isGreaterThan(0);
            }
            // robots.txt disallows /private/: the link is discovered by pages but never fetched
            assertThat(site.hits()).doesNotContainKey("/private/secret.html");
            assertThat(results.get(site.baseUrl() + "/private/secret.html").status()).isEqualTo(FetchStatus.DENIED);
            assertThat(results.get(site.baseUrl() + "/private/secret.html").reason()).contains("robots.txt disallows");
            // every page and image was requested exactly once; robots.txt once
            site.hits().forEach((path, n) -> assertThat(n).as("requests of %s", path).isEqualTo(1));

            // discovered links: outlinks as PAGE at depth+1, images as IMAGE, keyed per host
            List<DiscoveredUrls.Link> fromSeed = crawl.discovered().stream()
                    .filter(d -> site.seedUrl().equals(d.sourceUrl())).flatMap(d -> d.urls().stream()).toList();
            assertThat(fromSeed).contains(new DiscoveredUrls.Link(site.pageUrl(1), UrlKind.PAGE, 1),
                    new DiscoveredUrls.Link(site.pageUrl(2), UrlKind.PAGE, 1),
                    new DiscoveredUrls.Link(site.baseUrl() + "/img/0.png", UrlKind.IMAGE, 1));

            // image bytes on crawl.images keyed by content hash, metadata in headers, same bytes as served
            HttpClient client = HttpClient.newHttpClient();
            Map<String, ConsumerRecord<byte[], byte[]>> byUrl = crawl.images().stream().collect(Collectors.toMap(
                    r -> ImageMeta.fromHeaders(r.headers(), new String(r.key(), StandardCharsets.UTF_8)).url(), r -> r, (a, b) -> a));
            assertThat(byUrl.keySet()).containsExactlyInAnyOrderElementsOf(site.imageTexts().keySet());
            for (var e : byUrl.entrySet()) {
                byte[] served = client.send(HttpRequest.newBuilder(URI.create(e.getKey())).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
                ConsumerRecord<byte[], byte[]> rec = e.getValue();
                assertThat(rec.value()).isEqualTo(served);
                assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(Hashes.sha256Hex(served));
                ImageMeta meta = ImageMeta.fromHeaders(rec.headers(), new String(rec.key(), StandardCharsets.UTF_8));
                assertThat(meta.crawlId()).isEqualTo(crawl.crawlId);
                assertThat(meta.contentType()).isEqualTo("image/png");
                FetchResult imageResult = results.get(e.getKey());
                assertThat(imageResult.kind()).isEqualTo(UrlKind.IMAGE);
                assertThat(imageResult.status()).isEqualTo(FetchStatus.FETCHED);
                assertThat(imageResult.contentHash()).isEqualTo(Hashes.sha256Hex(served));
                assertThat(imageResult.bytes()).isEqualTo(served.length);
            }
            assertThat(fetcher.isReady()).isTrue();

            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fetcher.ops().port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("fetcher_results_total{kind=\"PAGE\",node=\"fetcher-node\",status=\"FETCHED\"}",
                    "fetcher_requests_total{code=\"200\",kind=\"robots\"", "fetcher_bytes_total", "fetcher_robots_cache_total",
                    "fetcher_queue_tasks", "fetcher_queue_host_max", "fetcher_requests_inflight", "fetcher_politeness_wait_seconds_count",
                    "fetcher_links_emitted_total", "fetcher_request_duration_seconds");
        }
    }

    @Test
    void aBadRecordIsDeadLetteredAndShutdownHandsQueuedTasksBack() throws Exception {
        String bootstrap = TestServices.kafkaBootstrap();
        try (TestSite site = new TestSite();
             CrawlHarness crawl = new CrawlHarness(bootstrap);
             KafkaTap dlq = new KafkaTap(bootstrap, Topics.DEAD_LETTER, null)) {
            for (int i = 0; i < 5; i++) {
                site.route("/p" + i, TestSite.html("<title>p" + i + "</title>"));
            }
            crawl.stopScheduling();
            crawl.publishJob(List.of(site.url("/p0")), CrawlScope.defaults(), new Politeness(1500, 1, 0, 0, 0, 0, 0));
            FetcherNode fetcher = FetcherNode.start(CrawlHarness.fetcherEnv(bootstrap));
            try (var producer = Clients.producer(CrawlHarness.common(bootstrap), "bad")) {
                Clients.send(producer, Topics.FRONTIER, "host-x".getBytes(StandardCharsets.UTF_8),
                        "{not json".getBytes(StandardCharsets.UTF_8), new RecordHeaders()).join();
            }
            for (int i = 0; i < 5; i++) {
                crawl.task(site.url("/p" + i), UrlKind.PAGE, 0, System.currentTimeMillis() + 300_000);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> site.count("/p0") == 1);
            fetcher.close();

            await().atMost(Duration.ofSeconds(30)).until(() -> crawl.results().size() == 5);
            Map<String, FetchResult> results = crawl.results();
            assertThat(results.get(site.url("/p0")).status()).isEqualTo(FetchStatus.FETCHED);
            long handedBack = results.values().stream().filter(r -> r.status() == FetchStatus.RETURNED
                    && r.reason().startsWith("handed back: the host moved to another fetcher")).count();
            long fetched = results.values().stream().filter(r -> r.status() == FetchStatus.FETCHED).count();
            assertThat(handedBack).isGreaterThanOrEqualTo(1);
            assertThat(handedBack + fetched).isEqualTo(5);
            assertThat(site.hits().stream().filter(h -> h.path().startsWith("/p")).count()).isEqualTo(fetched);

            await().atMost(Duration.ofSeconds(30)).until(() -> dlq.records().stream().anyMatch(r -> "host-x".equals(new String(r.key(), StandardCharsets.UTF_8))));
            var dead = dlq.records().stream().filter(r -> "host-x".equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
            assertThat(header(dead, DeadLetters.STAGE)).isEqualTo("fetcher");
            assertThat(header(dead, DeadLetters.MESSAGE)).startsWith("Unreadable FetchTask");
            assertThat(header(dead, DeadLetters.TOPIC)).isEqualTo(Topics.FRONTIER);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
