package dev.crawlocr.common.kafka;

import dev.crawlocr.common.config.CommonConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka clients configured the one way the pipeline uses them: bytes in and out, durable produces, manual commits.
 * Any other client property can be given through the process environment: {@code KAFKA_PRODUCER_LINGER_MS=20}
 * sets the producers' {@code linger.ms}, {@code KAFKA_CONSUMER_SESSION_TIMEOUT_MS=10000} the consumers'
 * {@code session.timeout.ms} (the name after the prefix, lower-cased, with '_' read as '.').
 */
public final class Clients {
    static final String PRODUCER_PREFIX = "KAFKA_PRODUCER_";
    static final String CONSUMER_PREFIX = "KAFKA_CONSUMER_";

    /** An idempotent producer with acks=all, so an acknowledged send survives a broker restart. */
    public static KafkaProducer<byte[], byte[]> producer(CommonConfig common, String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-" + common.nodeId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, common.imageMaxBytes() + 64 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L << 20, 4L * common.imageMaxBytes()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putAll(overrides(System.getenv(), PRODUCER_PREFIX));
        return new KafkaProducer<>(p);
    }

    /** A group consumer that never auto-commits; {@link PipelineConsumer} commits completed offsets itself. */
    public static KafkaConsumer<byte[], byte[]> consumer(CommonConfig common, String groupId, String clientId, int maxPollRecords) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + common.nodeId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, common.imageMaxBytes() + 64 * 1024);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(overrides(System.getenv(), CONSUMER_PREFIX));
        return new KafkaConsumer<>(p);
    }

    /** Sends and returns a future that completes when the broker has acknowledged the record. */
    public static CompletableFuture<RecordMetadata> send(Producer<byte[], byte[]> producer, String topic, byte[] key, byte[] value, Headers headers) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers), (md, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                } else {
                    done.complete(md);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Client properties from environment variables with the given prefix. */
    static Map<String, Object> overrides(Map<String, String> env, String prefix) {
        Map<String, Object> out = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'), v);
            }
        });
        return out;
    }

    private Clients() {
    }
}
