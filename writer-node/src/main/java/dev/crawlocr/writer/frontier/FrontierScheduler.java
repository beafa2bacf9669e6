package dev.crawlocr.writer.frontier;

import dev.crawlocr.common.Retries;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.ConsumerLag;
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
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits due URLs to {@code crawl.frontier}, keyed by host (by crawl id for a crawl with a crawl-wide contract). Each round first commits the leases in the database
 * ({@link Leases}) and only then produces the tasks, so a crash in between loses nothing: the lease expires and
 * the URL is emitted again. URLs that a page cap or the request budget refuses go to {@code crawl.pages} as
 * DENIED outcomes instead, recorded like any fetcher's. How much each host gets is the crawl's own contract
 * ({@link HostWindow}); no node-wide constant paces a host. {@link #run()} runs on the node's own thread, a round
 * every {@code interval} and whenever {@link #wake()} is called: new URLs were registered, or outcomes stored, which
 * free room in their hosts' windows. Every 10 s it also folds the crawls' usage rows ({@link Leases#foldUsage}).
 *
 * <p>Metrics: {@code writer.scheduler.emitted}, {@code writer.scheduler.lease.expired}, {@code writer.scheduler.denied},
 * {@code writer.scheduler.waiting}, {@code writer.scheduler.frontier.lag} (read when scraped).
 */
public final class FrontierScheduler {
    private static final Logger log = LoggerFactory.getLogger(FrontierScheduler.class);

    /** Settings of the scheduler; see {@code WriterConfig} for the keys. */
    public record Settings(Duration interval, int batch, Duration lease) {
    }

    /** How long an answer to "is every outcome on crawl.pages recorded?" is reused. */
    private static final long RECLAIM_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The longest wait before a failed round is tried again. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How often the crawls' usage rows are folded. */
    private static final long FOLD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Leases leases;
    private final Producer<byte[], byte[]> producer;
    private final ConsumerLag lag;
    private final Settings settings;
    private final Semaphore wakeups = new Semaphore(0);
    private final Counter emitted;
    private final Counter expired;
    private final Counter denied;
    private final Counter waiting;
    private long reclaimCheckedAt;
    private long foldedAt = System.nanoTime();
    private boolean reclaimExpired;

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
        Gauge.builder("writer.scheduler.frontier.lag", lag, FrontierScheduler::frontierLag).description("Fetcher lag on crawl.frontier")
                .register(metrics);
    }

    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    /** Runs rounds until the thread is interrupted; a failed round is tried again after a back-off. */
    public void run() throws Exception {
        while (!Thread.currentThread().isInterrupted()) {
            int emittedNow = Retries.untilDone("Scheduler round", settings.interval(), MAX_BACKOFF, this::round);
            if (System.nanoTime() - foldedAt > FOLD_NANOS) {
                Retries.untilDone("Usage fold", settings.interval(), MAX_BACKOFF, leases::foldUsage);
                foldedAt = System.nanoTime();
            }
            if (emittedNow < settings.batch()) {
                pause(settings.interval().toMillis());
            }
        }
    }

    /** One round: lease, emit. Returns how many tasks were emitted. */
    int round() throws Exception {
        Leases.Round round = leases.lease(settings.batch(), settings.lease(), reclaimExpired());
        waiting.increment(round.waiting());
        if (round.tasks().isEmpty() && round.denied().isEmpty()) {
            return 0;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(round.tasks().size() + round.denied().size());
        for (FetchTask t : round.tasks()) {
            sends.add(Clients.send(producer, Topics.FRONTIER, round.key(t).getBytes(StandardCharsets.UTF_8), Json.encode(t), null));
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

    /**
     * An expired lease is reclaimed only once every outcome on crawl.pages is recorded: after an outage the outcomes
     * of URLs fetched in time arrive late, and reclaiming first would fetch those URLs again. Asked at most once a
     * second, as rounds run often.
     */
    private boolean reclaimExpired() throws InterruptedException {
        long now = System.nanoTime();
        if (reclaimCheckedAt == 0 || now - reclaimCheckedAt > RECLAIM_CHECK_NANOS) {
            reclaimExpired = lag.lag(Topics.GROUP_WRITER, Topics.PAGES) == 0;
            reclaimCheckedAt = now;
        }
        return reclaimExpired;
    }

    private static double frontierLag(ConsumerLag lag) {
        try {
            return lag.lag(Topics.GROUP_FETCHER, Topics.FRONTIER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private void pause(long ms) throws InterruptedException {
        if (wakeups.tryAcquire(ms, TimeUnit.MILLISECONDS)) {
            wakeups.drainPermits();
        }
    }
}
