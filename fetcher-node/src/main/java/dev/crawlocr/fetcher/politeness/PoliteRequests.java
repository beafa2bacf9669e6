package dev.crawlocr.fetcher.politeness;

import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.fetcher.http.FetchFailure;
import dev.crawlocr.fetcher.http.HttpFetcher;
import dev.crawlocr.fetcher.http.HttpResult;
import dev.crawlocr.fetcher.pipeline.FetcherMetrics;
import dev.crawlocr.fetcher.pipeline.NotAttempted;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The only way the fetcher sends a request. In order: the host must still be owned here, the crawl's request
 * budget must allow one more, the host's gate must give a turn before the task's lease ends, and a global
 * in-flight permit must be free. Then the request is sent and counted. Thread-safe.
 */
public final class PoliteRequests {

    /** Who is asking: the host's gate, the crawl's limits, and the task's deadline. */
    public record Turn(HostGate gate, String crawlId, long delayMs, int perMinuteBudget, long maxRequestsTotal,
                       long leaseUntilMs, BooleanSupplier handedBack) {
    }

    private final HttpFetcher http;
    private final Semaphore inflight;
    private final CrawlBudgets budgets;
    private final FetcherMetrics metrics;

    public PoliteRequests(HttpFetcher http, int maxInflight, CrawlBudgets budgets, FetcherMetrics metrics) {
        this.http = http;
        this.inflight = new Semaphore(maxInflight);
        this.budgets = budgets;
        this.metrics = metrics;
        io.micrometer.core.instrument.Gauge.builder("fetcher.requests.inflight", this, r -> maxInflight - r.inflight.availablePermits())
                .register(metrics.registry());
    }

    /**
     * Sends one GET when politeness allows.
     *
     * @param kind metrics tag: page, image or robots
     * @throws NotAttempted when the request was not sent (lease, budget, hand-back)
     * @throws FetchFailure when it was sent and no response came
     */
    public HttpResult get(Turn turn, String kind, String url, String accept, long maxBytes) throws FetchFailure, InterruptedException {
        if (turn.handedBack().getAsBoolean()) {
            throw new NotAttempted(FetchStatus.FETCH_ERROR, "handed back: the host moved to another fetcher before the request");
        }
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(turn.leaseUntilMs() - System.currentTimeMillis());
        long waited = turn.gate().awaitTurn(TimeUnit.MILLISECONDS.toNanos(turn.delayMs()), turn.perMinuteBudget(), deadlineNanos);
        if (waited < 0) {
            if (turn.gate().deferredPast(deadlineNanos)) {
                // a transient failure the writer retries later and counts, not a lost lease to hand out again at once
                throw new NotAttempted(FetchStatus.FETCH_ERROR, "host deferred by the server (Retry-After or robots.txt) beyond the lease");
            }
            throw new NotAttempted(FetchStatus.DENIED, "lease expired before the host's politeness turn");
        }
        metrics.politenessWait(waited);
        if (turn.handedBack().getAsBoolean()) {
            throw new NotAttempted(FetchStatus.FETCH_ERROR, "handed back: the host moved to another fetcher before the request");
        }
        if (!budgets.tryAcquire(turn.crawlId(), turn.maxRequestsTotal())) {
            throw new NotAttempted(FetchStatus.DENIED, "request budget of the crawl spent (" + turn.maxRequestsTotal() + " requests)");
        }
        inflight.acquire();
        long start = System.nanoTime();
        try {
            HttpResult r = http.get(url, accept, maxBytes);
            metrics.request(kind, r.status(), r.body().length, System.nanoTime() - start);
            return r;
        } catch (FetchFailure f) {
            metrics.request(kind, 0, 0, System.nanoTime() - start);
            throw f;
        } finally {
            inflight.release();
            turn.gate().requestEnded();
        }
    }
}
