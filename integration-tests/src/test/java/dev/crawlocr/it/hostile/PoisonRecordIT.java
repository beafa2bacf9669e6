package dev.crawlocr.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.localcluster.DemoSite;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, poison records: with a writer, a fetcher and an analyzer running, every input topic gets invalid JSON,
 * an unknown schema version, a missing required field and an oversized record (crawl.images: broken metadata
 * headers, bytes that are no image, and more than the analyzer's IMAGE_MAX_BYTES). Each must land in
 * crawl.deadletter with the error headers naming the problem and the record's origin, and a normal crawl started
 * afterwards must still complete: the consumers went on.
 */
class PoisonRecordIT {
    static final int IMAGE_MAX = 256 * 1024;

    @Test
    void poisonRecordsAreDeadLetteredAndTheConsumersGoOn() throws Exception {
        Map<String, String> writerEnv = Map.of("WRITER_COMPLETION_INTERVAL", "500ms",
                "WRITER_SCHEDULER_INTERVAL", "100ms", "IMAGE_MAX_BYTES", Integer.toString(IMAGE_MAX));
        // The fetcher keeps the default IMAGE_MAX_BYTES: it keeps up to 1 MB of a record in a dead letter, and its
        // producer's request size is IMAGE_MAX_BYTES + 64 KB, so a cap below 1 MB leaves such a dead letter unsendable.
        Map<String, String> fetcherEnv = Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8");
        Map<String, String> analyzerEnv = Map.of("IMAGE_MAX_BYTES", Integer.toString(IMAGE_MAX), "ANALYZER_CRAWL_WAIT", "1s");
        String run = Long.toString(System.nanoTime());
        List<Poisons.Poison> poisons = Poisons.all(run, IMAGE_MAX);

        try (Pipeline p = Pipeline.start("poison", writerEnv, fetcherEnv, analyzerEnv);
             DeadLetterReader dlq = new DeadLetterReader(p.bootstrap);
             KafkaProducer<byte[], byte[]> producer = producer(p.bootstrap)) {
            Awaitility.await("nodes ready").atMost(Duration.ofSeconds(60))
                    .until(() -> p.fetcher.isReady() && p.analyzer.isReady());
            Map<String, RecordMetadata> sent = new HashMap<>();
            for (Poisons.Poison poison : poisons) {
                sent.put(poison.key(), producer.send(new ProducerRecord<>(poison.topic(), null, poison.key().getBytes(), poison.value(),
                        poison.headers())).get());
            }
            Set<String> keys = poisons.stream().map(Poisons.Poison::key).collect(Collectors.toSet());
            Map<String, DeadLetterReader.Letter> letters = Awaitility.await("a dead letter for each poison record")
                    .atMost(Duration.ofSeconds(90)).until(() -> dlq.poll(keys), m -> m.keySet().equals(keys));

            SoftAssertions soft = new SoftAssertions();
            for (Poisons.Poison poison : poisons) {
                DeadLetterReader.Letter l = letters.get(poison.key());
                RecordMetadata md = sent.get(poison.key());
                soft.assertThat(l.header(DeadLetters.STAGE)).as("dlq.stage of %s", poison).isEqualTo(poison.stage());
                soft.assertThat(l.header(DeadLetters.EXCEPTION)).as("dlq.exception of %s", poison).isEqualTo(poison.exception());
                soft.assertThat(l.header(DeadLetters.MESSAGE)).as("dlq.message of %s", poison).contains(poison.message());
                soft.assertThat(l.header(DeadLetters.ATTEMPTS)).as("dlq.attempts of %s", poison).isEqualTo("1");
                soft.assertThat(l.header(DeadLetters.TOPIC)).as("dlq.topic of %s", poison).isEqualTo(poison.topic());
                soft.assertThat(l.header(DeadLetters.PARTITION)).as("dlq.partition of %s", poison).isEqualTo(Integer.toString(md.partition()));
                soft.assertThat(l.header(DeadLetters.OFFSET)).as("dlq.offset of %s", poison).isEqualTo(Long.toString(md.offset()));
                System.out.printf("%-18s %-26s -> %s | %s | %s%n", poison.topic(), poison.name(), l.header(DeadLetters.STAGE),
                        l.header(DeadLetters.EXCEPTION), abbreviate(l.header(DeadLetters.MESSAGE)));
            }
            soft.assertAll();

            try (DemoSite site = DemoSite.start(6, 3)) {
                String id = "after-poison-" + run;
                p.jobs.start(new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, List.of(site.seedUrl()),
                        new CrawlScope(List.of(), List.of(), List.of(), List.of(), 10, 0, 0, null, true, 0, true),
                        new Politeness(10, 1, 0, 0, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now()));
                Optional<CrawlEvent> done = p.jobs.awaitCompletion(id, Duration.ofSeconds(90), null);
                assertThat(done).as("completion of a normal crawl after the poison").isPresent();
                assertThat(done.get().counts()).as("counts of the crawl after the poison")
                        .containsEntry("pages", (long) site.pageUrls().size())
                        .containsEntry("ocr", (long) site.imageTexts().size());
            }
            assertThat(p.fetcher.isReady()).as("fetcher consumer alive").isTrue();
            assertThat(p.analyzer.isReady()).as("analyzer consumer alive").isTrue();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 110 ? s : s.substring(0, 110) + "...";
    }
}
