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
import dev.crawlocr.devkit.DemoSite;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.fetcher.testing.CrawlHarness;
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
            crawl.publishJob(List.of(site.seedUrl()), CrawlScope.defaults(), new Politeness(10, 1, 0, 0, 0));
            crawl.seed(site.seedUrl());

            int images = site.imageTexts().size();
            await().atMost(Duration.ofSeconds(60)).until(() -> crawl.results().size() >= 24 + images && crawl.images().size() >= images);

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
        }
    }
}
