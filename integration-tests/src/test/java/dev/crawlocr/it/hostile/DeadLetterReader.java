package dev.crawlocr.it.hostile;

import dev.crawlocr.common.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code crawl.deadletter} from the beginning, without a consumer group, and keeps the dead letters whose key
 * is one of the wanted keys, with their headers decoded as UTF-8. Not thread-safe.
 */
final class DeadLetterReader implements AutoCloseable {

    /** One dead letter: its key, value size and headers (the last value of each header name). */
    record Letter(String key, int valueBytes, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Letter> found = new ConcurrentHashMap<>();

    DeadLetterReader(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "dlq-reader-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        List<TopicPartition> tps = consumer.partitionsFor(Topics.DEAD_LETTER, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
    }

    /** Polls once more and returns the letters found so far for {@code keys}. */
    Map<String, Letter> poll(Set<String> keys) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (key != null && keys.contains(key)) {
                Map<String, String> headers = new HashMap<>();
                for (Header h : r.headers()) {
                    headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                }
                found.put(key, new Letter(key, r.value() == null ? 0 : r.value().length, headers));
            }
        }
        Map<String, Letter> out = new HashMap<>(found);
        out.keySet().retainAll(keys);
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
