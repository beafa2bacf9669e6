package dev.crawlocr.writer.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Writes a batch of decoded records in the caller's transaction. Must be idempotent: writing the same records
 * again (redelivery, replay) changes no row counts. Several flusher threads call one sink concurrently (each in
 * its own transaction); {@link #afterCommit} runs on the thread that wrote the batch.
 */
public interface BatchSink<T> {

    /** Names the sink in thread names, metrics and dead letters, e.g. "pages". */
    String name();

    /**
     * Decodes one record (its value, and its key and headers where they carry data); throws
     * {@code BadRecordException} for a record that can never be written.
     */
    T decode(ConsumerRecord<byte[], byte[]> record);

    /** Writes the batch; the caller commits. Throwing rolls the whole batch back. */
    void write(Connection c, List<T> batch) throws SQLException;

    /** Called after the batch's transaction committed (e.g. to fill caches or wake the scheduler). */
    default void afterCommit(List<T> batch) {
    }
}
