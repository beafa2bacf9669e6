package dev.crawlocr.common.kafka;

import dev.crawlocr.common.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record that can never be processed to {@code crawl.deadletter}, with its original key, value and headers
 * and these error headers: {@code dlq.stage}, {@code dlq.exception}, {@code dlq.message}, {@code dlq.attempts},
 * {@code dlq.topic}, {@code dlq.partition}, {@code dlq.offset}. A value larger than the cap is cut (or left out
 * when even the cut record does not fit), and {@code dlq.truncated} gives its original length.
 */
public final class DeadLetters {
    public static final String STAGE = "dlq.stage";
    public static final String EXCEPTION = "dlq.exception";
    public static final String MESSAGE = "dlq.message";
    public static final String ATTEMPTS = "dlq.attempts";
    public static final String TOPIC = "dlq.topic";
    public static final String PARTITION = "dlq.partition";
    public static final String OFFSET = "dlq.offset";
    public static final String TRUNCATED = "dlq.truncated";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final Producer<byte[], byte[]> producer;
    private final int maxValueBytes;

    public DeadLetters(Producer<byte[], byte[]> producer, int maxValueBytes) {
        this.producer = producer;
        this.maxValueBytes = maxValueBytes;
    }

    /** The largest value kept whole in a dead letter: the image cap. */
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /**
     * Sends the dead letter. A value over the cap is cut to it; should the record still be too large for the
     * topic, it is sent again without its value, so a dead letter can always be written.
     */
    public CompletableFuture<RecordMetadata> send(ConsumerRecord<byte[], byte[]> record, String stage, Throwable error, int attempts) {
        log.warn("Dead letter from {}-{}@{} at stage {}: {}", record.topic(), record.partition(), record.offset(), stage, error.toString());
        return send(record, stage, error, attempts, maxValueBytes).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return cause instanceof RecordTooLargeException ? send(record, stage, error, attempts, 0) : CompletableFuture.failedFuture(cause);
        });
    }

    private CompletableFuture<RecordMetadata> send(ConsumerRecord<byte[], byte[]> record, String stage, Throwable error, int attempts, int valueCap) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            if (!h.key().startsWith("dlq.")) {
                headers.add(h);
            }
        }
        byte[] value = record.value();
        if (value != null && value.length > valueCap) {
            value = valueCap == 0 ? null : Arrays.copyOf(value, valueCap);
            headers.add(TRUNCATED, bytes(Integer.toString(record.value().length)));
        }
        headers.add(STAGE, bytes(stage));
        headers.add(EXCEPTION, bytes(error.getClass().getName()));
        headers.add(MESSAGE, bytes(String.valueOf(error.getMessage())));
        headers.add(ATTEMPTS, bytes(Integer.toString(attempts)));
        headers.add(TOPIC, bytes(record.topic()));
        headers.add(PARTITION, bytes(Integer.toString(record.partition())));
        headers.add(OFFSET, bytes(Long.toString(record.offset())));
        return Clients.send(producer, Topics.DEAD_LETTER, record.key(), value, headers);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
