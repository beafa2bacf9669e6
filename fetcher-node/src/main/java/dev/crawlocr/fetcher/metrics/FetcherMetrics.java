package dev.crawlocr.fetcher.metrics;

import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.url.LinkSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The fetcher's meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code fetcher.results} [fetcher_results_total]{kind, status}: task outcomes; FETCHED pages per second is
 *   the page rate.</li>
 *   <li>{@code fetcher.requests} [fetcher_requests_total]{kind=page|image|robots|sitemap, code}: HTTP requests sent, by
 *   status code ({@code error} when no response came).</li>
 *   <li>{@code fetcher.bytes} [fetcher_bytes_total]{kind}: body bytes read (after decompression).</li>
 *   <li>{@code fetcher.request.duration} [fetcher_request_duration_seconds]{kind}: one request, body included.</li>
 *   <li>{@code fetcher.politeness.wait} [fetcher_politeness_wait_seconds]: time a request waited for its host's turn.</li>
 *   <li>{@code fetcher.links.dropped} [fetcher_links_dropped_total]{reason}: links not emitted (scope, traps, caps).</li>
 *   <li>{@code fetcher.links.emitted} [fetcher_links_emitted_total]{kind}: links sent to crawl.discovered.</li>
 *   <li>{@code fetcher.robots.cache} [fetcher_robots_cache_total]{result=hit|miss} (registered by the robots cache).</li>
 *   <li>gauges {@code fetcher.requests.inflight}, {@code fetcher.queue.tasks}, {@code fetcher.queue.hosts},
 *   {@code fetcher.queue.host.max} (registered by the host queues).</li>
 * </ul>
 * Thread-safe.
 */
public final class FetcherMetrics {
    private final MeterRegistry registry;
    private final Timer politenessWait;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public FetcherMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.politenessWait = Timer.builder("fetcher.politeness.wait").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void result(UrlKind kind, FetchStatus status) {
        counter("fetcher.results", "kind", kind.name(), "status", status.name()).increment();
    }

    public void request(String kind, int code, long bytes, long elapsedNanos) {
        counter("fetcher.requests", "kind", kind, "code", code == 0 ? "error" : Integer.toString(code)).increment();
        if (bytes > 0) {
            counter("fetcher.bytes", "kind", kind).increment(bytes);
        }
        timers.computeIfAbsent(kind, k -> Timer.builder("fetcher.request.duration").tag("kind", k).register(registry))
                .record(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    public void politenessWait(long nanos) {
        politenessWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** @param dropped reasons as "category: detail"; only the category becomes a tag */
    public void dropped(Map<String, Integer> dropped) {
        dropped.forEach((reason, n) -> counter("fetcher.links.dropped", "reason", LinkSelector.category(reason)).increment(n));
    }

    public void emitted(UrlKind kind, int n) {
        counter("fetcher.links.emitted", "kind", kind.name()).increment(n);
    }

    /** Counters are registered once and then found by name and tags without building meter ids. */
    private Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(name + '|' + String.join("|", tags), k -> Counter.builder(name).tags(tags).register(registry));
    }
}
