package dev.crawlocr.writer.frontier;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits due URLs to {@code crawl.frontier}, keyed by host. Each round first commits the leases in the database
 * ({@link Leases}) and only then produces the tasks, so a crash in between loses nothing: the lease expires and
 * the URL is emitted again. URLs that a page cap or the request budget refuses go to {@code crawl.pages} as
 * DENIED outcomes instead, recorded like any fetcher's. Rounds run only while the fetchers' lag on the frontier
 * is below {@code maxLag}.
 * Runs on its own thread; {@link #wake()} starts a round early (new URLs were registered).
 *
 * <p>Metrics: {@code writer.scheduler.emitted}, {@code writer.scheduler.lease.expired}, {@code writer.scheduler.denied},
 * {@code writer.scheduler.waiting},
 * {@code writer.scheduler.frontier.lag}, {@code writer.scheduler.throttled}.
 */
public final class FrontierScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FrontierScheduler.class);

    /** Settings of the scheduler; see {@code WriterConfig} for the keys. */
    public record Settings(Duration interval, int batch, int perHost, int hostLeased, long maxLag, Duration lease) {
    }

    private final Leases leases;
    private final Producer<byte[], byte[]> producer;
    private final ConsumerLag lag;
    private final Settings settings;
    private final Semaphore wakeups = new Semaphore(0);
    private final Counter emitted;
    private final Counter expired;
    private final Counter throttled;
    private final Counter denied;
    private final Counter waiting;
    private final AtomicLong frontierLag = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public FrontierScheduler(Leases leases, Producer<byte[], byte[]> producer, ConsumerLag lag, Settings settings, MeterRegistry metrics) {
        this.leases = leases;
        this.producer = producer;
        this.lag = lag;
        this.settings = settings;
        this.emitted = Counter.builder("writer.scheduler.emitted").description("Fetch tasks emitted to the frontier").register(metrics);
        this.expired = Counter.builder("writer.scheduler.lease.expired").description("URLs emitted again after their lease expired")
                .register(metrics);
        this.denied = Counter.builder("writer.scheduler.denied").description("URLs refused by a page cap or the request budget")
                .register(metrics);
        this.waiting = Counter.builder("writer.scheduler.waiting")
                .description("URLs held back until leased ones free a place under a page cap or return requests").register(metrics);
        this.throttled = Counter.builder("writer.scheduler.throttled").description("Rounds skipped because the frontier lag was too high")
                .register(metrics);
        Gauge.builder("writer.scheduler.frontier.lag", frontierLag, AtomicLong::get).description("Fetcher lag on crawl.frontier")
                .register(metrics);
        this.thread = Thread.ofPlatform().name("frontier-scheduler").start(this::run);
    }

    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    private void run() {
        long backoffMs = settings.interval().toMillis();
        while (running) {
            try {
                int emittedNow = round();
                backoffMs = settings.interval().toMillis();
                if (emittedNow < settings.batch()) {
                    pause(settings.interval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                log.warn("Scheduler round failed, retrying in {} ms: {}", backoffMs, e.toString());
                try {
                    pause(backoffMs);
                } catch (InterruptedException ie) {
                    return;
                }
                backoffMs = Math.min(backoffMs * 2, 10_000);
            }
        }
    }

    /** One round: check the lag, lease, emit. Returns how many tasks were emitted. */
    int round() throws Exception {
        long current = lag.lag(Topics.GROUP_FETCHER, Topics.FRONTIER);
        frontierLag.set(current);
        if (current >= settings.maxLag()) {
            throttled.increment();
            return 0;
        }
        int room = (int) Math.min(settings.batch(), settings.maxLag() - current);
        // An expired lease is reclaimed only once every outcome on crawl.pages is recorded: after an outage the
        // outcomes of URLs fetched in time arrive late, and reclaiming first would fetch those URLs again.
        boolean reclaimExpired = lag.lag(Topics.GROUP_WRITER, Topics.PAGES) == 0;
        Leases.Round round = leases.lease(room, settings.perHost(), settings.hostLeased(), settings.lease(), reclaimExpired);
        waiting.increment(round.waiting());
        if (round.tasks().isEmpty() && round.denied().isEmpty()) {
            return 0;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(round.tasks().size() + round.denied().size());
        for (FetchTask t : round.tasks()) {
            sends.add(Clients.send(producer, Topics.FRONTIER, t.host().getBytes(StandardCharsets.UTF_8), Json.encode(t), null));
        }
        for (FetchResult r : round.denied()) {
            sends.add(Clients.send(producer, Topics.PAGES, r.url().getBytes(StandardCharsets.UTF_8), Json.encode(r), null));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        emitted.increment(round.tasks().size());
        denied.increment(round.denied().size());
        expired.increment(round.expired());
        if (round.expired() > 0) {
            log.info("Emitted {} URLs again after their lease expired", round.expired());
        }
        log.debug("Emitted {} fetch tasks, refused {} URLs", round.tasks().size(), round.denied().size());
        return round.tasks().size() + round.denied().size();
    }

    private void pause(long ms) throws InterruptedException {
        if (wakeups.tryAcquire(ms, TimeUnit.MILLISECONDS)) {
            wakeups.drainPermits();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
