package dev.crawlocr.common.kafka;

import dev.crawlocr.common.Retries;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka clients configured the one way the pipeline uses them: bytes in and out, durable produces, manual commits.
 * Any other client property can be given through the process environment: {@code KAFKA_PRODUCER_LINGER_MS=20}
 * sets the producers' {@code linger.ms}, {@code KAFKA_CONSUMER_SESSION_TIMEOUT_MS=10000} the consumers'
 * {@code session.timeout.ms} (the name after the prefix, lower-cased, with '_' read as '.').
 */
public final class Clients {
    private static final Logger log = LoggerFactory.getLogger(Clients.class);
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
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.maxRecordBytes(common.imageMaxBytes()));
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
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.maxRecordBytes(common.imageMaxBytes()));
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(overrides(System.getenv(), CONSUMER_PREFIX));
        return new KafkaConsumer<>(p);
    }

    /**
     * Sends and returns a future that completes when the broker has acknowledged the record. A send that fails
     * for a reason other than the record itself (the producer's own retries ran out during a broker outage, or an
     * idempotent producer reset its sequence after a broker restart) is sent again with back-off ({@link Retries}),
     * up to {@link #SEND_ATTEMPTS} times in all, so a passing outage never turns into a lost or dead-lettered record.
     */
    public static CompletableFuture<RecordMetadata> send(Producer<byte[], byte[]> producer, String topic, byte[] key, byte[] value, Headers headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, key, value, headers);
        // The first try runs on the caller's thread, so records keep the order the caller sent them in.
        return sendOnce(producer, record).exceptionallyCompose(e -> {
            if (!resendable(e)) {
                return CompletableFuture.failedFuture(e);
            }
            log.warn("Send to {} failed (try 1 of {}), trying again: {}", topic, SEND_ATTEMPTS, e.toString());
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS, Retries.CONTINUATIONS))
                    .thenCompose(ignored -> Retries.async("Send to " + topic, SEND_ATTEMPTS - 1, Duration.ofSeconds(4), Duration.ofSeconds(30),
                            Clients::resendable, () -> sendOnce(producer, record)));
        });
    }

    /** Sends in all, counting the first. */
    public static final int SEND_ATTEMPTS = 8;

    private static CompletableFuture<RecordMetadata> sendOnce(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            producer.send(record, (md, e) -> {
                if (e == null) {
                    done.complete(md);
                } else {
                    done.completeExceptionally(e);
                }
            });
        } catch (IllegalStateException e) {
            done.completeExceptionally(new ProducerClosedException(e)); // the node is shutting down: not sent again
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** The producer was closed under a send: the node is shutting down, and the send is not tried again. */
    static final class ProducerClosedException extends KafkaException {
        ProducerClosedException(IllegalStateException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** False for failures of the record itself (too large, not serializable) or of permissions, which a resend cannot fix. */
    static boolean resendable(Throwable e) {
        return e instanceof Exception && !(e instanceof RecordTooLargeException || e instanceof SerializationException || e instanceof AuthorizationException
                || e instanceof InvalidTopicException || e instanceof UnsupportedVersionException || e instanceof ProducerClosedException);
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
