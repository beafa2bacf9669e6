package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.kafka.TopicReader;
import dev.crawlocr.devkit.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The consumer runtime every node uses, against a real broker. */
class PipelineConsumerIT {
    static CommonConfig config;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void setUp() {
        config = new CommonConfig(TestServices.kafkaBootstrap(), true, 4, 1 << 20, 0, "pc-it");
        TopicAdmin.ensureTopics(config);
        producer = Clients.producer(config, "pc-it");
    }

    private static String topic(String name) throws Exception {
        String t = name + "-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return t;
    }

    private static void produce(String topic, int n, int size) throws Exception {
        for (int i = 0; i < n; i++) {
            byte[] value = size > 0 ? new byte[size] : ("v" + i).getBytes(StandardCharsets.UTF_8);
            Clients.send(producer, topic, ("k" + i).getBytes(StandardCharsets.UTF_8), value, null).get(30, TimeUnit.SECONDS);
        }
    }

    private static long committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers()))) {
            OffsetAndMetadata om = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .get(new TopicPartition(topic, 0));
            return om == null ? -1 : om.offset();
        }
    }

    private static PipelineConsumer consumer(String group, String topic, int maxInFlight, PipelineConsumer.Handler handler) {
        KafkaConsumer<byte[], byte[]> c = Clients.consumer(config, group, "pc-it", 2);
        return new PipelineConsumer(c, handler, new DeadLetters(producer, config.imageMaxBytes()),
                new PipelineConsumer.Options("test", List.of(topic), maxInFlight, Duration.ofMillis(200), Duration.ofSeconds(5), true),
                null, new SimpleMeterRegistry()).start();
    }

    @Test
    void commitsOnlyTheContiguousPrefixOfFinishedRecords() throws Exception {
        String topic = topic("order");
        String group = "g-" + topic;
        produce(topic, 5, 0);
        Map<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
        try (PipelineConsumer pc = consumer(group, topic, 100, r -> pending.computeIfAbsent(r.offset(), o -> new CompletableFuture<>()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> pending.size() == 5);
            pending.get(0L).complete(null);
            pending.get(2L).complete(null);
            pending.get(3L).complete(null);
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(group, topic) == 1);
            pending.get(1L).complete(null);
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(group, topic) == 4);
            assertThat(pc.inFlight()).isEqualTo(1);
        }
    }

    @Test
    void aDeadLetterThatCannotBeWrittenStopsTheStageAndLeavesItsRecordUncommitted() throws Exception {
        String topic = topic("dlq-unwritable");
        String group = "g-" + topic;
        produce(topic, 2, 0);
        KafkaProducer<byte[], byte[]> closed = Clients.producer(config, "pc-it-closed");
        closed.close();
        CompletableFuture<Throwable> stopped = new CompletableFuture<>();
        PipelineConsumer.Handler poisonAtOne = r -> r.offset() == 0 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("poison"));
        try (PipelineConsumer pc = new PipelineConsumer(Clients.consumer(config, group, "pc-it", 2), poisonAtOne,
                new DeadLetters(closed, config.imageMaxBytes()),
                new PipelineConsumer.Options("test", List.of(topic), 100, Duration.ofMillis(200), Duration.ofSeconds(5), true), null,
                new SimpleMeterRegistry()).start(stopped::complete)) {
            assertThat(stopped.get(60, TimeUnit.SECONDS)).hasMessageContaining("cannot write a dead letter for " + topic + "-0@1");
            assertThat(pc.isReady()).isFalse();
        }
        assertThat(committed(group, topic)).as("the record whose dead letter failed is redelivered").isEqualTo(1);
    }

    @Test
    void unfinishedRecordsAreRedeliveredAfterAStop() throws Exception {
        String topic = topic("redeliver");
        String group = "g-" + topic;
        produce(topic, 3, 0);
        List<Long> first = new ArrayList<>();
        try (PipelineConsumer pc = consumer(group, topic, 100, r -> {
            synchronized (first) {
                first.add(r.offset());
            }
            return r.offset() == 0 ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> first.size() == 3);
        }
        assertThat(committed(group, topic)).isEqualTo(1);
        List<Long> second = new ArrayList<>();
        try (PipelineConsumer pc = consumer(group, topic, 100, r -> {
            synchronized (second) {
                second.add(r.offset());
            }
            return CompletableFuture.completedFuture(null);
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(group, topic) == 3);
        }
        assertThat(second).containsExactly(1L, 2L);
    }

    @Test
    void failedAndOversizedRecordsGoToTheDeadLetterTopicWithTheirReason() throws Exception {
        String topic = topic("dlq");
        String group = "g-" + topic;
        produce(topic, 1, 0);
        produce(topic, 1, Topics.JSON_MAX_RECORD_BYTES + 10);
        produce(topic, 1, 0);
        List<Long> handled = new ArrayList<>();
        try (PipelineConsumer pc = consumer(group, topic, 100, r -> {
            synchronized (handled) {
                handled.add(r.offset());
            }
            if (r.offset() == 0) {
                throw new IllegalStateException("boom at " + r.offset());
            }
            return CompletableFuture.completedFuture(null);
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(group, topic) == 3);
        }
        assertThat(handled).containsExactly(0L, 2L);
        List<ConsumerRecord<byte[], byte[]>> dead = deadLettersFrom(topic, 2);
        assertThat(header(dead.get(0), DeadLetters.MESSAGE)).isEqualTo("boom at 0");
        assertThat(header(dead.get(0), DeadLetters.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(dead.get(0), DeadLetters.STAGE)).isEqualTo("test");
        assertThat(header(dead.get(0), DeadLetters.ATTEMPTS)).isEqualTo("1");
        assertThat(header(dead.get(1), DeadLetters.MESSAGE)).contains("exceeds the " + Topics.JSON_MAX_RECORD_BYTES + "-byte limit");
        assertThat(header(dead.get(1), DeadLetters.OFFSET)).isEqualTo("1");
    }

    @Test
    void pausesWhileTooManyRecordsAreUnfinishedAndResumesWhenTheyDrain() throws Exception {
        String topic = topic("pause");
        String group = "g-" + topic;
        produce(topic, 20, 0);
        Map<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
        try (PipelineConsumer pc = consumer(group, topic, 4, r -> pending.computeIfAbsent(r.offset(), o -> new CompletableFuture<>()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> pending.size() >= 4);
            // paused at 4 in flight: at most one more poll (2 records) gets through, and nothing after it
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> pending.size() <= 6);
            assertThat(pc.inFlight()).isBetween(4, 6);
            pending.values().forEach(f -> f.complete(null));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                pending.values().forEach(f -> f.complete(null));
                return committed(group, topic) == 20;
            });
            assertThat(pending).hasSize(20);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLettersFrom(String topic, int n) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (TopicReader reader = TopicReader.builder(config.bootstrapServers()).build(Topics.DEAD_LETTER)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (topic.equals(header(r, DeadLetters.TOPIC))) {
                        out.add(r);
                    }
                }
                return out.size() >= n;
            });
        }
        out.sort((a, b) -> Long.compare(Long.parseLong(header(a, DeadLetters.OFFSET)), Long.parseLong(header(b, DeadLetters.OFFSET))));
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
