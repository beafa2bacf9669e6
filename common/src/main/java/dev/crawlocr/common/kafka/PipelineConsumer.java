package dev.crawlocr.common.kafka;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.message.BadRecordException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop every node runs. It hands each record to an asynchronous {@link Handler} and commits, per
 * partition, only the offsets below the first record whose effect is not yet durable, so a crash redelivers
 * everything unfinished. Long work never stalls the group: the loop keeps polling, pauses every partition while
 * {@code maxInFlight} records are unfinished (or the handler says it is full) and resumes when they drain.
 *
 * <p>A handler failure sends the record to the dead-letter topic and counts it as done (if even that send fails, the
 * loop stops with that failure and the record is redelivered after a restart); so does a record larger
 * than its topic's limit ({@link Topics#JSON_MAX_RECORD_BYTES}, or the image cap on {@code crawl.images}), which
 * the handler never sees. On revocation the loop
 * tells the handler (so it can drop queued work that has not started), waits up to {@code drainTimeout} for the
 * rest, and commits what finished. One thread owns the {@link Consumer}; {@link #close()} wakes it up.
 */
public final class PipelineConsumer implements AutoCloseable {

    /** Processes one record. The returned stage completes when the record's effect is durable. */
    public interface Handler {
        CompletionStage<?> handle(ConsumerRecord<byte[], byte[]> record) throws Exception;

        /** Partitions this instance now owns. Called on the consumer thread. */
        default void onAssigned(Collection<TopicPartition> partitions) {
        }

        /** Partitions about to move away: drop queued work of theirs that has not started. Called on the consumer thread. */
        default void onRevoked(Collection<TopicPartition> partitions) {
        }
    }

    /**
     * @param stage          names the stage in dead letters, metrics and the thread
     * @param maxInFlight    unfinished records at which every partition is paused
     * @param commitInterval how often completed offsets are committed
     * @param drainTimeout   how long revocation and shutdown wait for unfinished records
     * @param deadLetter     whether a record the stage cannot take goes to the dead-letter topic; false for a stage
     *                       whose records another stage also reads and dead-letters: it passes over them (counted in
     *                       {@code pipeline.records.skipped})
     */
    public record Options(String stage, List<String> topics, int maxInFlight, Duration commitInterval, Duration drainTimeout,
                          boolean deadLetter) {
        public Options {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("The parameter 'maxInFlight' must be >= 1.");
            }
        }

        public static Options of(String stage, List<String> topics, int maxInFlight) {
            return new Options(stage, topics, maxInFlight, Duration.ofSeconds(1), Duration.ofSeconds(30), true);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(PipelineConsumer.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Handler handler;
    private final DeadLetters deadLetters;
    private final Options options;
    private final BooleanSupplier handlerFull;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object progress = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Counter consumed;
    private final Counter deadLettered;
    private final Counter skipped;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile Throwable failure;
    private Thread thread;
    private long lastCommitNanos = System.nanoTime();

    /** @param handlerFull extra back-pressure: while it returns true the partitions stay paused (null for none) */
    public PipelineConsumer(Consumer<byte[], byte[]> consumer, Handler handler, DeadLetters deadLetters, Options options,
                            BooleanSupplier handlerFull, MeterRegistry metrics) {
        this.consumer = consumer;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.options = options;
        this.handlerFull = handlerFull == null ? () -> false : handlerFull;
        this.consumed = Counter.builder("pipeline.records.consumed").tag("stage", options.stage()).register(metrics);
        this.deadLettered = Counter.builder("pipeline.records.deadlettered").tag("stage", options.stage()).register(metrics);
        this.skipped = Counter.builder("pipeline.records.skipped").tag("stage", options.stage())
                .description("Records a stage that does not dead-letter could not take").register(metrics);
        Gauge.builder("pipeline.records.inflight", inFlight, AtomicInteger::get).tag("stage", options.stage()).register(metrics);
        Gauge.builder("pipeline.partitions.paused", paused, Set::size).tag("stage", options.stage()).register(metrics);
    }

    public PipelineConsumer start() {
        return start(failure -> { });
    }

    /** Starts the loop; {@code onFailure} is called once if it stops by itself (not by {@link #close()}). */
    public PipelineConsumer start(java.util.function.Consumer<Throwable> onFailure) {
        thread = Thread.ofPlatform().name("consumer-" + options.stage()).start(() -> {
            run();
            if (failure != null) {
                onFailure.accept(failure);
            }
        });
        return this;
    }

    public String stage() {
        return options.stage();
    }

    /** True once the group has assigned this instance its partitions at least once and the loop is alive. */
    public boolean isReady() {
        return assigned && running && failure == null;
    }

    /** The error that stopped the loop, or null. */
    public Throwable failure() {
        return failure;
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void run() {
        try {
            consumer.subscribe(options.topics(), new Listener());
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    dispatch(record);
                }
                applyBackpressure();
                if (System.nanoTime() - lastCommitNanos >= options.commitInterval().toNanos()) {
                    commitCompleted(partitions.keySet());
                }
            }
        } catch (WakeupException e) {
            if (running && failure == null) {
                failure = e;
            }
        } catch (Throwable t) {
            failure = t;
            log.error("Consumer loop of stage {} stopped: {}", options.stage(), t.toString(), t);
        } finally {
            try {
                handler.onRevoked(partitions.keySet());
                awaitDrained(partitions.keySet());
                commitCompleted(partitions.keySet());
            } catch (RuntimeException e) {
                log.warn("Final commit of stage {} failed; unfinished records will be redelivered: {}", options.stage(), e.toString());
            } finally {
                consumer.close(Duration.ofSeconds(10));
                running = false;
                stopped.countDown();
            }
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionState state = partitions.get(tp);
        if (state == null) {
            return; // revoked between fetch and dispatch; it will be redelivered to the new owner
        }
        Pending pending = new Pending(record.offset());
        state.pending.addLast(pending);
        inFlight.incrementAndGet();
        consumed.increment();
        CompletionStage<?> stage;
        int limit = record.topic().equals(Topics.IMAGES) ? deadLetters.maxValueBytes() : Topics.JSON_MAX_RECORD_BYTES;
        try {
            if (record.value() != null && record.value().length > limit) {
                throw new BadRecordException("Record of " + record.value().length + " bytes exceeds the " + limit + "-byte limit of " + record.topic());
            }
            stage = handler.handle(record);
        } catch (Exception | LinkageError e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ok, error) -> {
            if (error == null) {
                finish(pending);
            } else if (!options.deadLetter()) {
                // another stage reads the same records and dead-letters them; this one only passes over it
                log.debug("Stage {} skips {}-{}@{}: {}", options.stage(), record.topic(), record.partition(), record.offset(), unwrap(error).toString());
                skipped.increment();
                finish(pending);
            } else {
                // not on the completing thread: that may be a producer's I/O thread, which the send would wait on
                Thread.ofVirtual().name("dead-letter").start(() -> deadLetter(record, pending, unwrap(error)));
            }
        });
    }

    /**
     * Sends the record to the dead-letter topic ({@link Clients#send} tries again with back-off) and counts it done.
     * When even that fails, the stage stops with that failure rather than holding the partition's commits forever:
     * the record stays uncommitted and is redelivered when the node is restarted.
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Pending pending, Throwable error) {
        int attempts = error instanceof RecordFailure rf ? rf.attempts() : 1;
        deadLetters.send(record, options.stage(), error, attempts).whenComplete((md, sendError) -> {
            if (sendError == null) {
                deadLettered.increment();
                finish(pending);
            } else {
                log.error("Stage {} cannot write the dead letter for {}-{}@{} and stops; the record will be redelivered: {}", options.stage(),
                        record.topic(), record.partition(), record.offset(), sendError.toString());
                failure = new IllegalStateException("cannot write a dead letter for " + record.topic() + "-" + record.partition() + "@"
                        + record.offset() + ": " + sendError.getMessage(), sendError);
                consumer.wakeup();
            }
        });
    }

    private void finish(Pending pending) {
        if (pending.complete()) {
            inFlight.decrementAndGet();
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private void applyBackpressure() {
        Set<TopicPartition> owned = consumer.assignment();
        boolean full = inFlight.get() >= options.maxInFlight() || handlerFull.getAsBoolean();
        if (full) {
            Set<TopicPartition> toPause = new HashSet<>(owned);
            toPause.removeAll(paused);
            if (!toPause.isEmpty()) {
                consumer.pause(toPause);
                paused.addAll(toPause);
                log.debug("Stage {} paused {} partitions at {} in flight", options.stage(), toPause.size(), inFlight.get());
            }
        } else if (!paused.isEmpty() && inFlight.get() <= options.maxInFlight() * 3 / 4) {
            Set<TopicPartition> toResume = new HashSet<>(paused);
            toResume.retainAll(owned);
            consumer.resume(toResume);
            paused.clear();
            log.debug("Stage {} resumed {} partitions", options.stage(), toResume.size());
        }
    }

    private void commitCompleted(Collection<TopicPartition> tps) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : tps) {
            PartitionState state = partitions.get(tp);
            if (state == null) {
                continue;
            }
            while (!state.pending.isEmpty() && state.pending.peekFirst().done) {
                state.completedUpTo = state.pending.pollFirst().offset + 1;
            }
            if (state.completedUpTo > state.committed) {
                offsets.put(tp, new OffsetAndMetadata(state.completedUpTo));
            }
        }
        lastCommitNanos = System.nanoTime();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
            offsets.forEach((tp, om) -> {
                PartitionState state = partitions.get(tp);
                if (state != null) {
                    state.committed = om.offset();
                }
            });
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("Commit of stage {} failed, will retry: {}", options.stage(), e.toString());
        }
    }

    private void awaitDrained(Collection<TopicPartition> tps) {
        long deadline = System.nanoTime() + options.drainTimeout().toNanos();
        synchronized (progress) {
            while (!drained(tps)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    log.warn("Stage {} gave up waiting for unfinished records of {}; they will be redelivered", options.stage(), tps);
                    return;
                }
                try {
                    progress.wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean drained(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            PartitionState state = partitions.get(tp);
            if (state != null && state.pending.stream().anyMatch(p -> !p.done)) {
                return false;
            }
        }
        return true;
    }

    /** Stops polling, waits for unfinished records up to the drain timeout, commits what finished, and closes. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            if (thread != null && !stopped.await(options.drainTimeout().toSeconds() + 20, TimeUnit.SECONDS)) {
                log.warn("Consumer of stage {} did not stop in time", options.stage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            handler.onRevoked(revoked);
            awaitDrained(revoked);
            commitCompleted(revoked);
            forget(revoked);
            log.info("Stage {} revoked {} partitions", options.stage(), revoked.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            handler.onRevoked(lost);
            forget(lost);
            log.warn("Stage {} lost {} partitions", options.stage(), lost.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> added) {
            for (TopicPartition tp : added) {
                partitions.put(tp, new PartitionState());
            }
            assigned = true;
            handler.onAssigned(added);
            if (!added.isEmpty()) {
                log.info("Stage {} assigned {} partitions", options.stage(), added.size());
            }
        }

        private void forget(Collection<TopicPartition> tps) {
            for (TopicPartition tp : tps) {
                PartitionState state = partitions.remove(tp);
                paused.remove(tp);
                if (state != null) {
                    state.pending.forEach(p -> {
                        if (p.complete()) {
                            inFlight.decrementAndGet();
                        }
                    });
                }
            }
        }
    }

    private static final class PartitionState {
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        long completedUpTo = -1;
        long committed = -1;
    }

    private static final class Pending {
        final long offset;
        volatile boolean done;

        Pending(long offset) {
            this.offset = offset;
        }

        /** Marks this record done; true only for the call that did so. */
        synchronized boolean complete() {
            if (done) {
                return false;
            }
            done = true;
            return true;
        }
    }
}
