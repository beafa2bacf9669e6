package dev.crawlocr.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.fetcher.testing.CrawlHarness;
import dev.crawlocr.fetcher.testing.TestSite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Politeness across fetchers: two fetcher nodes share the frontier, a third joining and the first leaving force
 * rebalances that move hosts between them, and every host's server records when each request arrived. No two
 * requests to one host may arrive closer than the crawl's delay, robots.txt included, and no page is fetched twice.
 */
class PolitenessIT {
    private static final int HOSTS = 6;
    private static final int PAGES = 12;
    private static final long DELAY_MS = 250;

    @Test
    void noGapBelowTheDelayAcrossTwoFetchersAndRebalances() throws Exception {
        String bootstrap = TestServices.kafkaBootstrap();
        List<TestSite> sites = new ArrayList<>();
        for (int h = 0; h < HOSTS; h++) {
            TestSite s = new TestSite();
            for (int p = 0; p < PAGES; p++) {
                s.route("/p" + p, TestSite.html("<title>page " + p + "</title>"));
            }
            sites.add(s);
        }
        Set<String> resent = ConcurrentHashMap.newKeySet();
        FetcherNode a = null;
        FetcherNode b = null;
        try (CrawlHarness crawl = new CrawlHarness(bootstrap)) {
            crawl.stopScheduling();
            crawl.publishJob(sites.stream().map(s -> s.url("/p0")).toList(), CrawlScope.defaults(), new Politeness(DELAY_MS, 1, 0, 0, 0, 0, 0));
            a = FetcherNode.start(CrawlHarness.fetcherEnv(bootstrap));
            for (int p = 0; p < PAGES; p++) {
                for (TestSite s : sites) {
                    crawl.task(s.url("/p" + p), UrlKind.PAGE, 0, System.currentTimeMillis() + 300_000);
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> fetched(crawl) >= HOSTS * 2);
            b = FetcherNode.start(CrawlHarness.fetcherEnv(bootstrap));
            FetcherNode second = b;
            await().atMost(Duration.ofSeconds(60)).until(() -> second.isReady() && fetched(crawl) >= HOSTS * 5);
            a.close();
            a = null;
            // play the writer: a task handed back on revocation is leased again
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (FetchResult r : crawl.allResults()) {
                    if (r.status() == FetchStatus.RETURNED && r.reason().startsWith("handed back") && resent.add(r.url() + "@" + r.fetchedAtMs())) {
                        crawl.task(r.url(), UrlKind.PAGE, 0, System.currentTimeMillis() + 300_000);
                    }
                }
                return fetched(crawl) == HOSTS * PAGES;
            });

            long delayNanos = TimeUnit.MILLISECONDS.toNanos(DELAY_MS);
            for (TestSite s : sites) {
                List<TestSite.Hit> hits = s.hits();
                assertThat(hits.stream().filter(h -> h.path().startsWith("/p")).count()).as("each page of %s fetched once", s.hostKey()).isEqualTo(PAGES);
                for (int i = 1; i < hits.size(); i++) {
                    long gap = hits.get(i).atNanos() - hits.get(i - 1).atNanos();
                    assertThat(gap).as("gap before %s on %s (ms: %s)", hits.get(i).path(), s.hostKey(), gap / 1e6).isGreaterThanOrEqualTo(delayNanos);
                }
            }
            assertThat(crawl.allResults()).allSatisfy(r -> assertThat(r.status()).isIn(FetchStatus.FETCHED, FetchStatus.RETURNED));
        } finally {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
            sites.forEach(TestSite::close);
        }
    }

    private static long fetched(CrawlHarness crawl) {
        return crawl.allResults().stream().filter(r -> r.status() == FetchStatus.FETCHED).map(FetchResult::url).distinct().count();
    }
}
