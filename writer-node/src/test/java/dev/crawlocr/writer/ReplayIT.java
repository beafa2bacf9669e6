package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.ConsumerLag;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Redelivery is harmless: the writer group re-reads every input record of the test again and no row count changes. */
class ReplayIT {

    @Test
    void replayingTheTopicsFromTheBeginningChangesNoRowCounts() throws Exception {
        try (WriterKit kit = new WriterKit();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrap))) {
            List<String> inputs = List.of(Topics.JOBS, Topics.DISCOVERED, Topics.PAGES, Topics.OCR);
            // The broker is shared with other tests: this test's records begin at today's end of each input topic.
            Map<TopicPartition, OffsetAndMetadata> beginning = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(inputs).allTopicNames().get().values().forEach(d -> d.partitions()
                    .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            admin.listOffsets(latest).all().get().forEach((tp, o) -> beginning.put(tp, new OffsetAndMetadata(o.offset())));
            WriterNode first = kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            try (FakeFetcher fetcher = new FakeFetcher(kit, "fetcher-replay", kit.site(10, 3))) {
                kit.startCrawl(WriterKit.pageUrl(0));
                await().atMost(60, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM urls WHERE status = 'FETCHED'") == 13
                        && kit.count("SELECT count(*) FROM ocr_results") == 3);
            }
            ConsumerLag lag = new ConsumerLag(admin);
            await().atMost(20, TimeUnit.SECONDS).until(() -> lag.lag(Topics.GROUP_WRITER, inputs) == 0);
            // The crawl completes (every writer input and the frontier are drained); a replayed RUNNING job must not revive it.
            await().atMost(20, TimeUnit.SECONDS).until(() -> kit.strings("SELECT state FROM crawls").equals(List.of("FINISHED")));
            Map<String, Long> before = kit.tableCounts();
            await().atMost(20, TimeUnit.SECONDS).until(() -> frontier.poll().size() == 13);
            assertThat(before).containsEntry("urls", 13L).containsEntry("pages", 10L).containsEntry("images", 3L)
                    .containsEntry("page_images", 10L).containsEntry("ocr_results", 3L).containsEntry("crawls", 1L);
            first.close();

            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions()
                    .until(() -> admin.alterConsumerGroupOffsets(Topics.GROUP_WRITER, beginning).all().get() == null);
            assertThat(lag.lag(Topics.GROUP_WRITER, inputs)).isGreaterThan(0);

            WriterNode second = kit.startWriter();
            await().atMost(60, TimeUnit.SECONDS).until(() -> WriterKit.metric(second, "writer_sink_records_total{") > 0
                    && lag.lag(Topics.GROUP_WRITER, inputs) == 0);
            assertThat(WriterKit.metric(second, "writer_sink_records_total{node=\"writer-node\",sink=\"pages\"")).isGreaterThanOrEqualTo(13);
            assertThat(WriterKit.metric(second, "writer_registry_new_total")).isZero();
            assertThat(kit.tableCounts()).isEqualTo(before);
            assertThat(kit.strings("SELECT state FROM crawls WHERE id = '" + kit.crawlId + "'")).containsExactly("FINISHED");
            await().during(Duration.ofSeconds(1)).atMost(5, TimeUnit.SECONDS).until(() -> frontier.poll().size() == 13);
        }
    }
}
