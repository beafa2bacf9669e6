package dev.crawlocr.it.hostile;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

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

    private final TopicReader reader;
    private final Map<String, Letter> found = new ConcurrentHashMap<>();

    DeadLetterReader(String bootstrap) {
        reader = TopicReader.builder(bootstrap).clientId("dlq-reader-" + UUID.randomUUID()).fetchBytes(16 << 20)
                .metadataTimeout(Duration.ofSeconds(30)).build(Topics.DEAD_LETTER);
        reader.partitions();
    }

    /** Polls once more and returns the letters found so far for {@code keys}. */
    Map<String, Letter> poll(Set<String> keys) {
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(300))) {
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
        reader.close();
    }
}
