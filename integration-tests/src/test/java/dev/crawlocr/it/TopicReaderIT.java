package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.kafka.TopicReader;
import dev.crawlocr.devkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The group-less topic reader against a real broker. */
class TopicReaderIT {
    static String bootstrap;
    static Admin admin;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void setUp() {
        bootstrap = TestServices.kafkaBootstrap();
        admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        admin.close();
    }

    private static String topic(String name, int partitions) throws Exception {
        String t = "reader-" + name + "-" + System.nanoTime();
        admin.createTopics(List.of(new NewTopic(t, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        return t;
    }

    private static void produce(String topic, int partition, String... keys) throws Exception {
        for (String key : keys) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, partition, k, k)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> keysIn(List<ConsumerRecord<byte[], byte[]>> records, String topic, int partition) {
        return keys(records.stream().filter(r -> r.topic().equals(topic) && r.partition() == partition).toList());
    }

    @Test
    void readsEveryPartitionOfEveryTopicFromTheBeginningToItsEnd() throws Exception {
        String a = topic("a", 3);
        String b = topic("b", 1);
        produce(a, 0, "a0-0", "a0-1");
        produce(a, 2, "a2-0");
        produce(b, 0, "b0-0", "b0-1", "b0-2");
        try (TopicReader reader = TopicReader.builder(bootstrap).build(a, b)) {
            assertThat(reader.partitions()).containsExactlyInAnyOrder(new TopicPartition(a, 0), new TopicPartition(a, 1),
                    new TopicPartition(a, 2), new TopicPartition(b, 0));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            assertThat(reader.readToEnd(Duration.ofSeconds(30), read::add)).isTrue();
            assertThat(keysIn(read, a, 0)).containsExactly("a0-0", "a0-1");
            assertThat(keysIn(read, a, 1)).isEmpty();
            assertThat(keysIn(read, a, 2)).containsExactly("a2-0");
            assertThat(keysIn(read, b, 0)).containsExactly("b0-0", "b0-1", "b0-2");
            assertThat(read).hasSize(6);

            produce(a, 1, "a1-0");
            read.clear();
            assertThat(reader.readToEnd(Duration.ofSeconds(30), read::add)).as("a second read goes on where the first ended").isTrue();
            assertThat(keys(read)).containsExactly("a1-0");
        }
    }

    @Test
    void anEmptyTopicIsAtItsEndAtOnceAndAReadOutOfTimeSaysSo() throws Exception {
        String empty = topic("empty", 2);
        try (TopicReader reader = TopicReader.builder(bootstrap).build(empty)) {
            assertThat(reader.readToEnd(Duration.ZERO, r -> { })).isTrue();
        }
        String full = topic("full", 1);
        produce(full, 0, "k0");
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (TopicReader reader = TopicReader.builder(bootstrap).build(full)) {
            assertThat(reader.readToEnd(Duration.ZERO, read::add)).isFalse();
            assertThat(read).isEmpty();
        }
    }

    @Test
    void startsAtTheOldestRecordLeftAfterDeletion() throws Exception {
        String t = topic("deleted", 1);
        produce(t, 0, "k0", "k1", "k2", "k3", "k4");
        admin.deleteRecords(Map.of(new TopicPartition(t, 0), RecordsToDelete.beforeOffset(3))).all().get(30, TimeUnit.SECONDS);
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (TopicReader reader = TopicReader.builder(bootstrap).build(t)) {
            assertThat(reader.readToEnd(Duration.ofSeconds(30), read::add)).isTrue();
        }
        assertThat(keys(read)).containsExactly("k3", "k4");
        assertThat(read).extracting(ConsumerRecord::offset).containsExactly(3L, 4L);
    }

    @Test
    void seekToLastReadsTheLastRecordsOfEachPartition() throws Exception {
        String t = topic("last", 2);
        produce(t, 0, "p0-0", "p0-1", "p0-2", "p0-3", "p0-4");
        produce(t, 1, "p1-0");
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (TopicReader reader = TopicReader.builder(bootstrap).build(t)) {
            reader.seekToLast(2);
            assertThat(reader.readToEnd(Duration.ofSeconds(30), read::add)).isTrue();
        }
        assertThat(keysIn(read, t, 0)).containsExactly("p0-3", "p0-4");
        assertThat(keysIn(read, t, 1)).containsExactly("p1-0");

        read.clear();
        try (TopicReader reader = TopicReader.builder(bootstrap).build(t)) {
            reader.seekToLast(0);
            produce(t, 1, "p1-1");
            assertThat(reader.readToEnd(Duration.ofSeconds(30), read::add)).isTrue();
        }
        assertThat(keys(read)).as("after seekToLast(0) only what arrived later").containsExactly("p1-1");
    }

    @Test
    void followHandsOverOldAndNewRecordsAndSaysOnceWhenCaughtUp() throws Exception {
        String t = topic("follow", 2);
        produce(t, 0, "old-0", "old-1");
        produce(t, 1, "old-2");
        List<String> read = new CopyOnWriteArrayList<>();
        AtomicInteger caughtUp = new AtomicInteger();
        List<Integer> readWhenCaughtUp = new CopyOnWriteArrayList<>();
        TopicReader reader = TopicReader.builder(bootstrap).build(t);
        Thread follower = Thread.ofPlatform().name("follower").start(() -> {
            try (reader) {
                reader.follow(r -> read.add(new String(r.key(), StandardCharsets.UTF_8)), () -> {
                    caughtUp.incrementAndGet();
                    readWhenCaughtUp.add(read.size());
                });
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> caughtUp.get() == 1);
        assertThat(readWhenCaughtUp).containsExactly(3);
        produce(t, 1, "new-0");
        produce(t, 0, "new-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> read.size() == 5);
        assertThat(read).containsExactlyInAnyOrder("old-0", "old-1", "old-2", "new-0", "new-1");
        assertThat(caughtUp).hasValue(1);

        reader.stop();
        follower.join(10_000);
        assertThat(follower.isAlive()).as("follow returned after stop").isFalse();
    }

    @Test
    void stopFromTheHandlerEndsTheReadAfterThatRecord() throws Exception {
        String t = topic("stop", 1);
        produce(t, 0, "k0", "k1", "k2", "k3", "k4", "k5");
        List<String> read = new ArrayList<>();
        try (TopicReader reader = TopicReader.builder(bootstrap).build(t)) {
            boolean ended = reader.readToEnd(Duration.ofSeconds(30), r -> {
                read.add(new String(r.key(), StandardCharsets.UTF_8));
                if (read.size() == 3) {
                    reader.stop();
                }
            });
            assertThat(ended).isFalse();
            assertThat(read).containsExactly("k0", "k1", "k2");
            assertThat(reader.poll(Duration.ofMillis(100))).as("a stopped reader reads no more").isEmpty();
            assertThat(reader.readToEnd(Duration.ofSeconds(30), r -> read.add("more"))).isFalse();
            assertThat(read).hasSize(3);
        }
    }

    @Test
    void aTopicThatDoesNotExistIsNamedAndNotCreated() throws Exception {
        String missing = "reader-missing-" + System.nanoTime();
        try (TopicReader reader = TopicReader.builder(bootstrap).metadataTimeout(Duration.ofSeconds(10)).build(missing)) {
            assertThatThrownBy(reader::partitions).isInstanceOf(UnknownTopicOrPartitionException.class)
                    .hasMessage("Topic " + missing + " does not exist");
        }
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(missing);
    }
}
