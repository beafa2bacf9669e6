package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.FetchTask;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two writers share the registry and the scheduling of one crawl, and three fetchers fetch each URL exactly once. */
class TwoWritersIT {

    @Test
    void twoWritersAndThreeFetchersFetchEachUrlExactlyOnce() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter("NODE_ID", "writer-a");
            kit.startWriter("NODE_ID", "writer-b");
            WriterKit.Frontier frontier = kit.frontier();
            try (FakeFetcher f1 = new FakeFetcher(kit, "fetcher-1", kit.site(60, 8));
                 FakeFetcher f2 = new FakeFetcher(kit, "fetcher-2", kit.site(60, 8));
                 FakeFetcher f3 = new FakeFetcher(kit, "fetcher-3", kit.site(60, 8))) {
                kit.startCrawl(WriterKit.pageUrl(0));
                await().atMost(90, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM urls WHERE status = 'FETCHED'") == 68);
                Map<String, Integer> fetches = new HashMap<>();
                for (FakeFetcher f : new FakeFetcher[] {f1, f2, f3}) {
                    assertThat(f.errors()).isEmpty();
                    f.fetches().forEach((url, n) -> fetches.merge(url, n, Integer::sum));
                }
                assertThat(fetches).hasSize(68).allSatisfy((url, n) -> assertThat(n).as(url).isEqualTo(1));
            }
            await().atMost(20, TimeUnit.SECONDS).until(() -> frontier.poll().size() >= 68);
            assertThat(frontier.seen()).hasSize(68).extracting(FetchTask::url).doesNotHaveDuplicates();
            assertThat(kit.count("SELECT count(*) FROM pages WHERE status = 'FETCHED'")).isEqualTo(60);
            assertThat(kit.count("SELECT count(*) FROM images WHERE status = 'FETCHED'")).isEqualTo(8);
        }
    }
}
