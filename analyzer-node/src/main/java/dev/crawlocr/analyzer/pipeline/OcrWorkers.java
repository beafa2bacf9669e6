package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.analyzer.ocr.EngineSet;
import dev.crawlocr.analyzer.ocr.OcrTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of OCR worker threads, each owning an {@link EngineSet} for its life, fed from one queue.
 *
 * <p>The queue itself never refuses work; {@link #isFull()} tells the consumer to pause its partitions once
 * {@code capacity} jobs wait. A watchdog fails any job still running {@code timeout} (plus a grace period for the
 * engine's own deadline) after it started with an {@link OcrTimeoutException}, abandons its thread (which frees its
 * engines when, if ever, it returns) and starts a replacement, so a stuck image never costs a worker for good.
 * Between jobs a worker recycles its engines when the {@link MemoryGuard} says the process is over budget.
 * Thread-safe.
 */
public final class OcrWorkers implements AutoCloseable {
    /** Work run on a worker thread with that thread's engines. */
    public interface Job<T> {
        T run(WorkerContext context) throws Exception;
    }

    /** What a job may use: its thread's engines and the instant (System.nanoTime) by which it must finish. */
    public record WorkerContext(EngineSet engines, long deadlineNanos) {
        /** Milliseconds left before the watchdog's deadline, at least 1. */
        public int remainingMs() {
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        }
    }

    private static final Logger log = LoggerFactory.getLogger(OcrWorkers.class);

    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger threadIds = new AtomicInteger();
    private final AtomicInteger timeouts = new AtomicInteger();
    private final int capacity;
    private final Duration timeout;
    private final long graceNanos;
    private final Supplier<EngineSet> engineSets;
    private final MemoryGuard memory;
    private final ScheduledExecutorService watchdog;
    private volatile boolean closed;

    /**
     * @param threads    worker threads
     * @param capacity   queued jobs at which {@link #isFull()} becomes true
     * @param timeout    how long one job may run
     * @param engineSets makes each worker's engine set
     * @param memory     decides when workers recycle their engines
     */
    public OcrWorkers(int threads, int capacity, Duration timeout, Supplier<EngineSet> engineSets, MemoryGuard memory) {
        this.capacity = capacity;
        this.timeout = timeout;
        this.graceNanos = Math.max(TimeUnit.SECONDS.toNanos(2), timeout.toNanos() / 4);
        this.engineSets = engineSets;
        this.memory = memory;
        for (int i = 0; i < threads; i++) {
            startWorker();
        }
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("ocr-watchdog").unstarted(r));
        watchdog.scheduleWithFixedDelay(this::checkDeadlines, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Queues a job; the future completes with its result, its exception, or an {@link OcrTimeoutException}. */
    public <T> CompletableFuture<T> submit(Job<T> job) {
        return submit(job, timeout);
    }

    /** As {@link #submit(Job)}, for a job that may run for {@code jobTimeout} instead of the workers' timeout. */
    public <T> CompletableFuture<T> submit(Job<T> job, Duration jobTimeout) {
        Task<T> task = new Task<>(job, jobTimeout);
        if (closed) {
            task.future.completeExceptionally(new CancellationException("The OCR workers are closed"));
        } else {
            queue.add(task);
        }
        return task.future;
    }

    /** True while at least {@code capacity} jobs wait for a worker. */
    public boolean isFull() {
        return queue.size() >= capacity;
    }

    public int queued() {
        return queue.size();
    }

    public int busy() {
        return busy.get();
    }

    /** Jobs failed by the watchdog since start. */
    public int timeouts() {
        return timeouts.get();
    }

    private void startWorker() {
        Worker w = new Worker();
        w.thread = Thread.ofPlatform().name("ocr-worker-" + threadIds.incrementAndGet()).unstarted(w);
        workers.add(w); // with its thread set: close() and the watchdog may see it at once
        w.thread.start();
    }

    private void checkDeadlines() {
        long now = System.nanoTime();
        for (Worker w : workers) {
            Task<?> t = w.current;
            if (t != null && now - t.startedNanos > t.timeout.toNanos() + Math.max(graceNanos, t.timeout.toNanos() / 4)) {
                workers.remove(w);
                w.abandoned = true;
                timeouts.incrementAndGet();
                t.future.completeExceptionally(new OcrTimeoutException("Decoding and OCR exceeded the " + t.timeout.toMillis()
                        + " ms timeout; worker " + w.thread.getName() + " was abandoned"));
                w.thread.interrupt();
                log.warn("Watchdog abandoned {} after {} ms on one image and started a replacement", w.thread.getName(),
                        TimeUnit.NANOSECONDS.toMillis(now - t.startedNanos));
                if (!closed) {
                    startWorker();
                }
            }
        }
    }

    /** Stops taking jobs, fails those still queued, waits briefly for running ones and frees every engine. */
    @Override
    public void close() {
        closed = true;
        Task<?> t;
        while ((t = queue.poll()) != null) {
            t.future.completeExceptionally(new CancellationException("The OCR workers are closed"));
        }
        watchdog.shutdownNow();
        for (Worker w : workers) {
            w.thread.interrupt();
        }
        for (Worker w : workers) {
            try {
                w.thread.join(timeout.toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final class Task<T> {
        final Job<T> job;
        final Duration timeout;
        final CompletableFuture<T> future = new CompletableFuture<>();
        volatile long startedNanos;

        Task(Job<T> job, Duration timeout) {
            this.job = job;
            this.timeout = timeout;
        }

        void run(EngineSet engines) {
            startedNanos = System.nanoTime();
            try {
                future.complete(job.run(new WorkerContext(engines, startedNanos + timeout.toNanos())));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }
    }

    private final class Worker implements Runnable {
        volatile Task<?> current;
        volatile boolean abandoned;
        Thread thread;

        @Override
        public void run() {
            EngineSet engines = engineSets.get();
            try {
                while (!closed && !abandoned) {
                    Task<?> task;
                    try {
                        task = queue.poll(200, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        continue;
                    }
                    if (task == null) {
                        continue;
                    }
                    busy.incrementAndGet();
                    current = task;
                    try {
                        task.run(engines);
                    } finally {
                        current = null;
                        busy.decrementAndGet();
                        Thread.interrupted();
                    }
                    if (memory.shouldRecycle()) {
                        log.info("Process memory {} MB is over the budget: {} recycles its engines",
                                memory.residentBytes() >> 20, thread.getName());
                        engines.recycleAll();
                    }
                }
            } finally {
                engines.close();
            }
        }
    }
}
