package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.UrlKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A record that can never be written is dead-lettered with its reason; the rest of its batch is stored. */
class DeadLetterIT {

    @Test
    void unwritableRecordsGoToTheDeadLetterTopicAndTheBatchIsStillWritten() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter("WRITER_BATCH_LINGER", "500ms");
            String base = "http://dlq.test/" + kit.crawlId + "/";
            WriterKit.Tap dead = kit.new Tap(Topics.DEAD_LETTER,
                    r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(base));
            for (int i = 0; i < 20; i++) {
                FetchTask task = new FetchTask(FetchTask.SCHEMA, kit.crawlId, base + i, "dlq.test", UrlKind.PAGE, 0, 1, Long.MAX_VALUE);
                kit.fetched(kit.page(task, "Page " + i, "Text with a NUL\0 character " + i, List.of()));
                if (i == 10) {
                    kit.fetched(new FetchResult(FetchResult.SCHEMA, kit.crawlId, base + "impossible", UrlKind.PAGE, 0, FetchStatus.FETCHED,
                            null, null, 5000, "text/html", "t", "x", false, null, 1, 0, Map.of(), List.of(), null, System.currentTimeMillis(),
                            1, 1, 0, 0, 0));
                    kit.sendRaw(Topics.PAGES, base + "garbage", "{not json".getBytes(StandardCharsets.UTF_8));
                }
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> dead.poll().size() == 2);
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM pages") == 20);
            assertThat(kit.strings("SELECT text FROM pages WHERE url = '" + base + "3'")).containsExactly("Text with a NUL character 3");

            Map<String, ConsumerRecord<byte[], byte[]>> byKey = dead.poll().stream()
                    .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
            ConsumerRecord<byte[], byte[]> impossible = byKey.get(base + "impossible");
            assertThat(WriterKit.header(impossible, DeadLetters.STAGE)).isEqualTo("writer-pages");
            assertThat(WriterKit.header(impossible, DeadLetters.TOPIC)).isEqualTo(Topics.PAGES);
            assertThat(WriterKit.header(impossible, DeadLetters.EXCEPTION)).isEqualTo("dev.crawlocr.common.kafka.RecordFailure");
            assertThat(WriterKit.header(impossible, DeadLetters.MESSAGE)).contains("Sink pages cannot write the record")
                    .contains("pages_http_status_check");
            assertThat(WriterKit.header(impossible, DeadLetters.ATTEMPTS)).isEqualTo("1");
            ConsumerRecord<byte[], byte[]> garbage = byKey.get(base + "garbage");
            assertThat(WriterKit.header(garbage, DeadLetters.EXCEPTION)).isEqualTo("dev.crawlocr.common.message.BadRecordException");
            assertThat(WriterKit.header(garbage, DeadLetters.MESSAGE)).startsWith("Unreadable FetchResult");
            assertThat(new String(garbage.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        }
    }
}
