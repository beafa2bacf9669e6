package dev.crawlocr.fetcher.politeness;

import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.fetcher.http.BodyCap;
import dev.crawlocr.fetcher.http.FetchFailure;
import dev.crawlocr.fetcher.http.HttpFetcher;
import dev.crawlocr.fetcher.http.HttpResult;
import dev.crawlocr.fetcher.http.RetryAfter;
import dev.crawlocr.fetcher.metrics.FetcherMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The only way the fetcher sends a request. In order: the host must still be owned here and answering (see
 * {@link HostGate}), the task's request allowance (its share of the crawl's request budget, set by the writer) must
 * allow one more, the host's gate must give a turn before the task's lease ends, then, for a crawl with a
 * crawl-wide contract, the crawl's {@link CrawlGate} a connection and a turn, and a global in-flight permit must be
 * free. Then the request is sent with the crawl's headers and counted; whether the host answered is told to its
 * gate, and a 429 or 503 to the crawl's. Thread-safe.
 */
public final class PoliteRequests {

    /**
     * Who is asking: the host's gate and limits, the crawl's gate and rate (null and 0 without a crawl-wide
     * contract), the task's deadline, the task's requests so far ({@code sent}) against its allowance
     * ({@code maxRequests}, 0 for no limit), and the crawl's request headers.
     */
    public record Turn(HostGate gate, CrawlGate crawlGate, double crawlRate, long delayMs, int perMinuteBudget, long leaseUntilMs,
                       BooleanSupplier handedBack, AtomicInteger sent, int maxRequests, Map<String, String> headers) {
    }

    private final HttpFetcher http;
    private final Semaphore inflight;
    private final Duration unreachableCooldown;
    private final FetcherMetrics metrics;

    /** @param unreachableCooldown how long a host that stopped answering gets no requests */
    public PoliteRequests(HttpFetcher http, int maxInflight, Duration unreachableCooldown, FetcherMetrics metrics) {
        this.http = http;
        this.unreachableCooldown = unreachableCooldown;
        this.inflight = new Semaphore(maxInflight);
        this.metrics = metrics;
        io.micrometer.core.instrument.Gauge.builder("fetcher.requests.inflight", this, r -> maxInflight - r.inflight.availablePermits())
                .register(metrics.registry());
    }

    /**
     * Sends one GET when politeness allows.
     *
     * @param kind metrics tag: page, image, robots or sitemap
     * @throws NotAttempted when the request was not sent (lease, allowance, hand-back)
     * @throws FetchFailure when it was sent and no response came
     */
    public HttpResult get(Turn turn, String kind, String url, String accept, long maxBytes) throws FetchFailure, InterruptedException {
        return get(turn, kind, url, accept, BodyCap.of(maxBytes));
    }

    /** As {@link #get(Turn, String, String, String, long)}, with the body cap chosen by the response's content type. */
    public HttpResult get(Turn turn, String kind, String url, String accept, BodyCap maxBytes) throws FetchFailure, InterruptedException {
        if (turn.handedBack().getAsBoolean()) {
            throw new NotAttempted(FetchStatus.RETURNED, "handed back: the host moved to another fetcher before the request");
        }
        String unreachable = turn.gate().unreachable();
        if (unreachable != null) {
            throw new NotAttempted(FetchStatus.FETCH_ERROR, unreachable);
        }
        if (turn.maxRequests() > 0 && turn.sent().get() >= turn.maxRequests()) {
            // the writer leases the URL again, with a new allowance, while the crawl's budget lasts
            throw new NotAttempted(FetchStatus.RETURNED, "request allowance of the task spent (" + turn.maxRequests()
                    + " requests, robots.txt included)");
        }
        long askedAt = System.nanoTime();
        long deadlineNanos = askedAt + TimeUnit.MILLISECONDS.toNanos(turn.leaseUntilMs() - System.currentTimeMillis());
        long waited = turn.gate().awaitTurn(TimeUnit.MILLISECONDS.toNanos(turn.delayMs()), turn.perMinuteBudget(), deadlineNanos);
        if (waited < 0) {
            if (turn.gate().deferredPast(deadlineNanos)) {
                // the server's doing (Retry-After, robots.txt, or failures that backed the host off): retried later and counted
                throw new NotAttempted(FetchStatus.FETCH_ERROR, "host deferred by the server (Retry-After, robots.txt or back-off after failures)"
                        + " beyond the lease");
            }
            throw new NotAttempted(FetchStatus.RETURNED, "lease expired before the host's politeness turn");
        }
        inflight.acquire(); // before the crawl's turn, so nothing stands between that turn and the request
        try (CrawlGate.Permit crawlPermit = crawlTurn(turn, deadlineNanos)) {
            metrics.politenessWait(System.nanoTime() - askedAt);
            return send(turn, kind, url, accept, maxBytes);
        } finally {
            inflight.release();
        }
    }

    /** A connection and a turn of the crawl's gate; null for a crawl without a crawl-wide contract. */
    private static CrawlGate.Permit crawlTurn(Turn turn, long deadlineNanos) throws InterruptedException {
        if (turn.crawlGate() == null) {
            return null;
        }
        CrawlGate.Permit permit = turn.crawlGate().acquire(turn.crawlRate(), deadlineNanos);
        if (permit == null) {
            if (turn.crawlGate().deferredPast(deadlineNanos)) {
                throw new NotAttempted(FetchStatus.FETCH_ERROR, "crawl deferred by the server (Retry-After) beyond the lease");
            }
            throw new NotAttempted(FetchStatus.RETURNED, "lease expired before the crawl's turn under its crawl-wide rate or connections");
        }
        return permit;
    }

    private HttpResult send(Turn turn, String kind, String url, String accept, BodyCap maxBytes) throws FetchFailure, InterruptedException {
        if (turn.handedBack().getAsBoolean()) {
            throw new NotAttempted(FetchStatus.RETURNED, "handed back: the host moved to another fetcher before the request");
        }
        turn.sent().incrementAndGet();
        long start = System.nanoTime();
        try {
            HttpResult r = http.get(url, accept, turn.headers(), maxBytes);
            metrics.request(kind, r.status(), r.body().length, System.nanoTime() - start);
            turn.gate().answered();
            if (turn.crawlGate() != null && (r.status() == 429 || r.status() == 503)) {
                turn.crawlGate().overloaded(Math.max(0, RetryAfter.parseMs(r.retryAfter(), System.currentTimeMillis())));
            }
            return r;
        } catch (FetchFailure f) {
            metrics.request(kind, 0, 0, System.nanoTime() - start);
            if (f.unanswered()) {
                turn.gate().unanswered(f.getMessage(), unreachableCooldown.toNanos());
            } else {
                turn.gate().answered(); // badly, but the host is there
            }
            throw f;
        } finally {
            turn.gate().requestEnded();
        }
    }
}
