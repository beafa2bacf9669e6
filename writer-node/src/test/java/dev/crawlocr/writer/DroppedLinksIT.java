package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchTask;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A page's dropped-link counts are stored with its outcome: a redelivered outcome leaves them as they are. */
class DroppedLinksIT {

    @Test
    void aPagesDroppedLinksAreStoredOnceWhenItsOutcomeIsDeliveredTwice() {
        try (WriterKit kit = new WriterKit()) {
            WriterNode writer = kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            kit.startCrawl(WriterKit.pageUrl(0));
            FetchTask seed = frontier.await(WriterKit.pageUrl(0));
            FetchResult outcome = kit.page(seed, "Index", "3,000 links", List.of(), Map.of("outlink-cap", 2000, "trap", 12, "host", 300));
            String crawlTotals = "SELECT key || ' ' || sum(value::bigint) FROM pages, jsonb_each_text(dropped_links) WHERE crawl_id = '"
                    + kit.crawlId + "' GROUP BY key ORDER BY key";

            kit.fetched(outcome);
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM pages WHERE crawl_id = '" + kit.crawlId + "'") == 1);
            kit.fetched(outcome); // redelivered, as after a crash before the offset was committed
            await().atMost(30, TimeUnit.SECONDS).until(() -> WriterKit.metric(writer, "writer_sink_records_total{node=\"writer-node\",sink=\"pages\"") >= 2);
            assertThat(kit.strings(crawlTotals)).containsExactly("host 300", "outlink-cap 2000", "trap 12");

            // A later fetch of the page (a recrawl) replaces its counts.
            FetchResult later = kit.page(seed, "Index", "fewer links", List.of(), Map.of("outlink-cap", 5));
            kit.fetched(later);
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.strings(crawlTotals).equals(List.of("outlink-cap 5")));
        }
    }
}
