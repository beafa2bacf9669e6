package dev.crawlocr.writer.pipeline;

import dev.crawlocr.common.Retries;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.kafka.RecordFailure;
import dev.crawlocr.writer.db.Database;
import dev.crawlocr.writer.db.DbErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns consumed records into database batches. The consumer thread decodes each record and queues it for one of
 * {@code threads} flusher threads, chosen by the record key, so records with one key are always written by one
 * thread, in order. A flusher takes up to {@code batchSize} records (waiting at most {@code linger} to fill a
 * batch), writes them in one transaction and only then completes their futures, so offsets are committed after
 * the commit. Flushers write concurrently, in transactions of their own.
 *
 * <p>Failures: while the database is unreachable the same batch is retried with back-off (up to
 * {@code maxBackoff} between tries) and nothing is dropped; so is a batch failing for any reason that is not about
 * its data (a missing table, a bug). {@link #isFull()} pauses the partitions while the queues are at capacity.
 * When the database rejects a batch's data, each record is written on its own, and a record that still fails
 * goes to the dead-letter topic (its future fails with a {@link RecordFailure}).
 */
public final class BatchingHandler<T> implements PipelineConsumer.Handler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchingHandler.class);

    private record Item<T>(T value, CompletableFuture<Void> done) {
    }

    private final BatchSink<T> sink;
    private final Database db;
    private final int batchSize;
    private final Duration linger;
    private final Duration maxBackoff;
    private final int capacity;
    private final List<BlockingQueue<Item<T>>> queues = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final Counter records;
    private final Counter retries;
    private final DistributionSummary batchSizes;
    private final List<Thread> flushers = new ArrayList<>();
    private volatile boolean running = true;

    public BatchingHandler(BatchSink<T> sink, Database db, int threads, int batchSize, Duration linger, int capacity, Duration maxBackoff,
                           MeterRegistry metrics) {
        this.sink = sink;
        this.db = db;
        this.batchSize = batchSize;
        this.linger = linger;
        this.capacity = capacity;
        this.maxBackoff = maxBackoff;
        this.records = Counter.builder("writer.sink.records").description("Records written by a sink").tag("sink", sink.name()).register(metrics);
        this.retries = Counter.builder("writer.db.retries").description("Batches retried because the database was unreachable")
                .tag("sink", sink.name()).register(metrics);
        this.batchSizes = DistributionSummary.builder("writer.batch.size").description("Records per database batch")
                .tag("sink", sink.name()).register(metrics);
        for (int i = 0; i < threads; i++) {
            BlockingQueue<Item<T>> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            flushers.add(Thread.ofPlatform().name("sink-" + sink.name() + "-" + i).start(() -> run(queue)));
        }
    }

    @Override
    public CompletionStage<?> handle(ConsumerRecord<byte[], byte[]> record) {
        T value = sink.decode(record);
        Item<T> item = new Item<>(value, new CompletableFuture<>());
        int index = record.key() == null ? 0 : Math.floorMod(java.util.Arrays.hashCode(record.key()), queues.size());
        queued.incrementAndGet();
        queues.get(index).add(item);
        return item.done;
    }

    /** True while the queue is at capacity: the consumer keeps its partitions paused. */
    public boolean isFull() {
        return queued.get() >= capacity;
    }

    private void run(BlockingQueue<Item<T>> queue) {
        List<Item<T>> batch = new ArrayList<>(batchSize);
        while (running) {
            try {
                Item<T> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + linger.toNanos();
                while (batch.size() < batchSize) {
                    queue.drainTo(batch, batchSize - batch.size());
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= batchSize || left <= 0) {
                        break;
                    }
                    Item<T> next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                    }
                }
                queued.addAndGet(-batch.size());
                writeWithRetry(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Sink {} failed a batch of {}: {}", sink.name(), batch.size(), e.toString(), e);
                batch.forEach(i -> i.done.completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Writes a batch in one transaction. While the database is unavailable, or fails for a reason that is not about
     * the data, the batch is tried again with back-off ({@link Retries}) until it is written or the handler closes. A
     * batch the database rejects for its data is written record by record, and a record it rejects fails with a
     * {@link RecordFailure} (it goes to the dead-letter topic).
     */
    private void writeWithRetry(List<Item<T>> batch) throws InterruptedException {
        List<T> values = batch.stream().map(Item::value).toList();
        try {
            Retries.untilDone("Sink " + sink.name() + " writing " + values.size() + " records", Duration.ofMillis(100), maxBackoff,
                    BatchingHandler::retriable, () -> {
                        try {
                            return db.inTransaction(sink.name(), c -> {
                                sink.write(c, values);
                                return null;
                            });
                        } catch (SQLException | RuntimeException e) {
                            if (running && retriable(e)) {
                                retries.increment();
                            }
                            throw e;
                        }
                    });
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (!running) {
                return; // shutting down: the futures stay open and the records are redelivered
            }
            if (batch.size() > 1) {
                log.warn("Sink {}: batch of {} rejected ({}); writing its records one by one", sink.name(), batch.size(), e.toString());
                for (Item<T> item : batch) {
                    writeWithRetry(List.of(item));
                }
            } else {
                batch.get(0).done.completeExceptionally(new RecordFailure("Sink " + sink.name() + " cannot write the record: " + e.getMessage(), 1, e));
            }
            return;
        }
        sink.afterCommit(values);
        records.increment(values.size());
        batchSizes.record(values.size());
        batch.forEach(i -> i.done.complete(null));
    }

    /** Worth trying again: the database is unavailable, or failed for a reason that is not about the data. */
    private static boolean retriable(Throwable e) {
        return DbErrors.isTransient(e) || (e instanceof SQLException && !DbErrors.isDataError(e));
    }

    /** Stops the flushers. Records not yet written keep their futures open, so their offsets stay uncommitted. */
    @Override
    public void close() {
        running = false;
        flushers.forEach(Thread::interrupt);
        try {
            for (Thread t : flushers) {
                t.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
