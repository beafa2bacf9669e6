package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.Discovery;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.SitemapRead;
import dev.crawlocr.common.message.UrlKind;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How each URL was discovered is stored once, the first discovery winning, and the sitemaps a seed's fetch read are
 * stored once per crawl and URL however often the outcome is delivered.
 */
class SitemapDiscoveryIT {

    @Test
    void theFirstDiscoveryOfAUrlIsKeptAndTheSitemapsReadAreStoredOnce() {
        try (WriterKit kit = new WriterKit()) {
            WriterNode writer = kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            String seed = WriterKit.pageUrl(0);
            kit.startCrawl(seed);
            FetchTask task = frontier.await(seed);
            String host = Urls.hostKey(seed).orElseThrow();
            long fetchedAt = System.currentTimeMillis();
            // as the fetcher emits a seed's outcome: the page's links first, then what its host's sitemaps listed
            kit.send(Topics.DISCOVERED, host, new DiscoveredUrls(DiscoveredUrls.SCHEMA, kit.crawlId, host, seed,
                    List.of(link(WriterKit.pageUrl(1)), link(WriterKit.pageUrl(2))), fetchedAt, 0, false, Discovery.LINK));
            kit.send(Topics.DISCOVERED, host, new DiscoveredUrls(DiscoveredUrls.SCHEMA, kit.crawlId, host, seed,
                    List.of(link(seed), link(WriterKit.pageUrl(2)), link(WriterKit.pageUrl(3))), fetchedAt, 1, false, Discovery.SITEMAP));
            List<SitemapRead> read = List.of(
                    new SitemapRead("http://a.test/maps/index.xml", SitemapRead.Status.READ, 1, 0, null),
                    new SitemapRead("http://a.test/maps/pages.xml", SitemapRead.Status.READ, 3, 3, null),
                    new SitemapRead("http://a.test/sitemap.xml", SitemapRead.Status.ABSENT, 0, 0, "HTTP 404"));
            FetchResult outcome = kit.page(task, "Home", "home page", List.of()).withLinkRecords(2).withSitemaps(read);
            kit.fetched(outcome);
            kit.fetched(outcome); // redelivered, as after a crash before the offset was committed

            String discovery = "SELECT url || ' ' || discovery FROM urls WHERE crawl_id = '" + kit.crawlId + "' ORDER BY url";
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.strings(discovery).size() == 4
                    && WriterKit.metric(writer, "writer_sink_records_total{node=\"writer-node\",sink=\"pages\"") >= 2);
            assertThat(kit.strings(discovery)).containsExactly(seed + " seed", WriterKit.pageUrl(1) + " link", WriterKit.pageUrl(2) + " link",
                    WriterKit.pageUrl(3) + " sitemap");
            assertThat(kit.strings("SELECT url || ' ' || status || ' ' || found || ' ' || accepted || ' ' || coalesce(reason, '-') || ' '"
                    + " || seed_url FROM sitemaps WHERE crawl_id = '" + kit.crawlId + "' ORDER BY url")).containsExactly(
                    "http://a.test/maps/index.xml READ 1 0 - " + seed,
                    "http://a.test/maps/pages.xml READ 3 3 - " + seed,
                    "http://a.test/sitemap.xml ABSENT 0 0 HTTP 404 " + seed);
        }
    }

    private static DiscoveredUrls.Link link(String url) {
        return new DiscoveredUrls.Link(url, UrlKind.PAGE, url.equals(WriterKit.pageUrl(0)) ? 0 : 1);
    }
}
