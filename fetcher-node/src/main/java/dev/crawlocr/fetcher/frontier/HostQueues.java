package dev.crawlocr.fetcher.frontier;

import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.politeness.CrawlGate;
import dev.crawlocr.fetcher.politeness.HostGate;
import dev.crawlocr.fetcher.task.TaskRunner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded in-memory queues of fetch tasks, one per host, each drained by its own virtual thread that starts at
 * most the crawl's {@code maxConnectionsPerHost} tasks at a time; the host's {@link HostGate} spaces the requests.
 * {@link #isFull()} tells the consumer loop to pause the frontier partitions. When partitions are revoked, their
 * hosts' queued tasks are handed back at once (a RETURNED outcome, so the writer leases them again uncharged),
 * running tasks send no further request, and the hosts' gates are forgotten: a host that returns later starts
 * with a fresh gate and waits a full delay.
 *
 * <p>A crawl with a contract for all of its hosts together ({@link dev.crawlocr.common.message.Politeness#crawlWide()})
 * arrives on one partition, keyed by its crawl id, and its requests also take turns at its {@link CrawlGate}. When
 * that partition is revoked, the revocation waits (up to {@code revokeWait}) until the crawl's requests in progress
 * here have ended, so the crawl's next fetcher never overlaps with this one. Queues are kept per partition and host,
 * so a host that a crawl-wide crawl shares with another crawl is queued apart for each. Thread-safe.
 */
public final class HostQueues implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostQueues.class);
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** Runs one task on a virtual thread; never throws. {@code crawlGate} is null for a crawl without a crawl-wide contract. */
    public interface Worker {
        Outcome run(FetchTask task, CrawlJob job, HostGate gate, CrawlGate crawlGate, java.util.function.BooleanSupplier handedBack)
                throws InterruptedException;
    }

    private record Queued(FetchTask task, CompletableFuture<Outcome> done) {
    }

    private final class Host {
        final String key;
        final int partition;
        final HostGate gate;
        final ArrayDeque<Queued> queue = new ArrayDeque<>();
        boolean draining;
        /** The task taken from the queue and not yet running (waiting for its crawl or a connection). Guarded by this. */
        Queued waiting;
        /** Removed from the map (revoked or idle): new tasks go to a fresh entry. Guarded by this. */
        boolean retired;
        volatile boolean handedBack;

        Host(String key, int partition) {
            this.key = key;
            this.partition = partition;
            this.gate = new HostGate(System.nanoTime());
        }
    }

    private final ConcurrentHashMap<String, Host> hosts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CrawlGate> crawlGates = new ConcurrentHashMap<>();
    private final Duration revokeWait;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger hostsAtCap = new AtomicInteger();
    private final int queueMax;
    private final int hostQueueMax;
    private final Worker worker;
    private final Function<String, Optional<CrawlJob>> jobs;
    private final boolean politenessOverride;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("host-queue-sweeper").factory());

    /**
     * @param jobs               the crawl's settings by id, waiting briefly for them; empty when the crawl is unknown
     * @param politenessOverride true when per-crawl politeness is replaced by node settings (benchmarks)
     * @param revokeWait         how long a revocation waits for a crawl-wide crawl's requests in progress to end
     */
    public HostQueues(int queueMax, int hostQueueMax, Worker worker, Function<String, Optional<CrawlJob>> jobs,
                      boolean politenessOverride, Duration revokeWait, MeterRegistry metrics) {
        this.revokeWait = revokeWait;
        this.politenessOverride = politenessOverride;
        this.queueMax = queueMax;
        this.hostQueueMax = hostQueueMax;
        this.worker = worker;
        this.jobs = jobs;
        Gauge.builder("fetcher.queue.tasks", queued, AtomicInteger::get).register(metrics);
        Gauge.builder("fetcher.queue.hosts", hosts, ConcurrentHashMap::size).register(metrics);
        Gauge.builder("fetcher.queue.host.max", this, HostQueues::largestQueue).register(metrics);
        sweeper.scheduleWithFixedDelay(this::forgetIdleHosts, 1, 1, TimeUnit.MINUTES);
    }

    /** Queues a task of {@code partition}; the future completes with its outcome (never exceptionally). */
    public CompletableFuture<Outcome> submit(FetchTask task, int partition) {
        Queued q = new Queued(task, new CompletableFuture<>());
        while (true) {
            Host h = hosts.computeIfAbsent(partition + " " + task.host(), k -> new Host(task.host(), partition));
            synchronized (h) {
                if (h.retired) {
                    continue; // removed just now; a fresh host entry is created
                }
                h.queue.addLast(q);
                if (h.queue.size() == hostQueueMax) {
                    hostsAtCap.incrementAndGet();
                }
                queued.incrementAndGet();
                if (!h.draining) {
                    h.draining = true;
                    Thread.ofVirtual().name("host-" + h.key).start(() -> drain(h));
                }
            }
            return q.done;
        }
    }

    /** True while the queued tasks reach {@code queueMax} or one host's queue reaches {@code hostQueueMax}. */
    public boolean isFull() {
        return queued.get() >= queueMax || hostsAtCap.get() > 0;
    }

    public int queued() {
        return queued.get();
    }

    private Queued poll(Host h) {
        synchronized (h) {
            Queued q = h.queue.pollFirst();
            if (q == null) {
                h.draining = false;
                h.waiting = null;
                return null;
            }
            if (h.queue.size() == hostQueueMax - 1) {
                hostsAtCap.decrementAndGet();
            }
            queued.decrementAndGet();
            h.waiting = q; // until it has a connection: stopCrawl must still find it
            return q;
        }
    }

    private void drain(Host h) {
        Queued q;
        while ((q = poll(h)) != null) {
            Queued task = q;
            Optional<CrawlJob> job = jobs.apply(task.task().crawlId());
            if (job.isEmpty()) {
                task.done().complete(TaskRunner.fail(task.task(), FetchStatus.RETURNED, 0,
                        "unknown crawl " + task.task().crawlId() + ": no settings on crawl.jobs yet", System.nanoTime()));
                continue;
            }
            if (!politenessOverride) {
                h.gate.assumeBudgetSpent(job.get().politeness().maxRequestsPerHostPerMinute());
            }
            try {
                h.gate.acquireConnection(job.get().politeness().maxConnectionsPerHost());
            } catch (InterruptedException e) {
                task.done().complete(handedBack(task.task()));
                continue;
            } finally {
                synchronized (h) {
                    h.waiting = null;
                }
            }
            if (task.done().isDone()) { // ended while it waited (its crawl stopped)
                h.gate.releaseConnection();
                continue;
            }
            if (h.handedBack) {
                h.gate.releaseConnection();
                task.done().complete(handedBack(task.task()));
                continue;
            }
            CrawlJob current = jobs.apply(task.task().crawlId()).orElse(job.get()); // it may have stopped while this task waited
            CrawlGate crawlGate = crawlGate(current, h.partition);
            Thread.ofVirtual().name("fetch-" + h.key).start(() -> {
                Outcome outcome;
                try {
                    outcome = worker.run(task.task(), current, h.gate, crawlGate, () -> h.handedBack);
                } catch (InterruptedException e) {
                    outcome = handedBack(task.task());
                } catch (RuntimeException | Error e) {
                    log.error("Fetch of {} failed unexpectedly: {}", task.task().url(), e.toString(), e);
                    outcome = TaskRunner.fail(task.task(), FetchStatus.ERROR, 0, "internal error: " + e, System.nanoTime());
                } finally {
                    h.gate.releaseConnection();
                }
                task.done().complete(outcome); // after the release: producing the outcome must not hold the host
            });
        }
    }

    /** Hands back the queued tasks of hosts on these partitions; running tasks send no further request. */
    public void revoke(Collection<Integer> partitions) {
        List<Queued> dropped = new ArrayList<>();
        for (Host h : hosts.values()) {
            if (!partitions.contains(h.partition)) {
                continue;
            }
            synchronized (h) {
                h.handedBack = true;
                h.retired = true;
                hosts.remove(h.partition + " " + h.key, h);
                if (h.queue.size() >= hostQueueMax) {
                    hostsAtCap.decrementAndGet();
                }
                queued.addAndGet(-h.queue.size());
                dropped.addAll(h.queue);
                h.queue.clear();
            }
        }
        dropped.forEach(q -> q.done().complete(handedBack(q.task())));
        if (!dropped.isEmpty()) {
            log.info("Handed back {} queued tasks of {} revoked partitions", dropped.size(), partitions.size());
        }
        releaseCrawlGates(partitions);
    }

    /** The crawl's gate here, or null when it has no crawl-wide contract (or politeness is overridden). */
    private CrawlGate crawlGate(CrawlJob job, int partition) {
        if (politenessOverride || !job.politeness().crawlWide()) {
            return null;
        }
        return crawlGates.computeIfAbsent(job.crawlId(), id -> new CrawlGate(partition, job.politeness().crawlConnections(),
                job.politeness().crawlRatePerSecond(), System.nanoTime()));
    }

    /** Forgets the crawl gates of revoked partitions once their requests in progress have ended (or revokeWait passed). */
    private void releaseCrawlGates(Collection<Integer> partitions) {
        for (var e : crawlGates.entrySet()) {
            if (!partitions.contains(e.getValue().partition())) {
                continue;
            }
            try {
                if (!e.getValue().awaitIdle(revokeWait.toNanos())) {
                    log.warn("Crawl {}: requests still in progress {} after its partition was revoked", e.getKey(), revokeWait);
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                crawlGates.remove(e.getKey(), e.getValue());
            }
        }
    }

    /** Ends the queued tasks of a stopped crawl at once, as DENIED "crawl stopped"; its running tasks finish. */
    public void stopCrawl(String crawlId) {
        List<Queued> dropped = new ArrayList<>();
        int fromQueues = 0;
        for (Host h : hosts.values()) {
            synchronized (h) {
                boolean atCap = h.queue.size() >= hostQueueMax;
                int before = h.queue.size();
                h.queue.removeIf(q -> q.task().crawlId().equals(crawlId) && dropped.add(q));
                fromQueues += before - h.queue.size();
                if (atCap && h.queue.size() < hostQueueMax) {
                    hostsAtCap.decrementAndGet();
                }
                if (h.waiting != null && h.waiting.task().crawlId().equals(crawlId)) {
                    dropped.add(h.waiting); // its drain thread lets go of the connection it gets
                }
            }
        }
        queued.addAndGet(-fromQueues);
        dropped.forEach(q -> q.done().complete(TaskRunner.fail(q.task(), FetchStatus.DENIED, 0, TaskRunner.CRAWL_STOPPED, System.nanoTime())));
        if (!dropped.isEmpty()) {
            log.info("Crawl {} stopped: ended {} queued tasks", crawlId, dropped.size());
        }
    }

    private static Outcome handedBack(FetchTask task) {
        return TaskRunner.fail(task, FetchStatus.RETURNED, 0, "handed back: the host moved to another fetcher before the fetch", System.nanoTime());
    }

    private void forgetIdleHosts() {
        long now = System.nanoTime();
        hosts.values().removeIf(h -> {
            synchronized (h) {
                h.retired = h.queue.isEmpty() && !h.draining && h.gate.isIdle(now, IDLE_NANOS);
                return h.retired;
            }
        });
    }

    private double largestQueue() {
        int max = 0;
        for (Host h : hosts.values()) {
            synchronized (h) {
                max = Math.max(max, h.queue.size());
            }
        }
        return max;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
