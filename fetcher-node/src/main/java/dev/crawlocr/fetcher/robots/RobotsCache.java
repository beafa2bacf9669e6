package dev.crawlocr.fetcher.robots;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import dev.crawlocr.fetcher.http.FetchFailure;
import dev.crawlocr.fetcher.http.HttpResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * robots.txt per scheme, host and port, parsed with crawler-commons (RFC 9309) and cached: {@code ttl} after a
 * 2xx, {@code errorTtl} after anything else. A 4xx allows everything, a 5xx, a 429 or a network failure defers
 * the host, and up to five redirects are followed. The library's own Crawl-delay cap (which silently disallows
 * the whole host above 300 s) is switched off: callers get the raw delay and apply their own cap. Concurrent
 * lookups of one host share one fetch. Thread-safe.
 */
public final class RobotsCache {

    /**
     * Fetches one robots.txt URL, taking the host's politeness turn. A {@link RuntimeException} (the loader
     * declined to send the request) caches nothing and is rethrown to the caller of {@link #check}.
     */
    public interface Loader {
        HttpResult get(String robotsUrl) throws FetchFailure;
    }

    private record Entry(BaseRobotRules rules, RobotsVerdict.Decision whenNoRules, String reason, Duration ttl) {
    }

    static final int MAX_REDIRECTS = 5;
    static final long MAX_BYTES = 512 * 1024;

    private final SimpleRobotRulesParser parser = new SimpleRobotRulesParser(Long.MAX_VALUE, 5);
    private final List<String> agents;
    private final Duration ttl;
    private final Duration errorTtl;
    private final AsyncCache<String, Entry> cache;
    private final ExecutorService loaders = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter hits;
    private final Counter misses;

    /** @param agent the robots agent name matched against User-agent lines (e.g. "crawlocr") */
    public RobotsCache(String agent, Duration ttl, Duration errorTtl, MeterRegistry metrics) {
        this.agents = List.of(agent);
        this.ttl = ttl;
        this.errorTtl = errorTtl;
        this.cache = Caffeine.newBuilder()
                .maximumSize(200_000)
                .expireAfter(Expiry.<String, Entry>creating((k, e) -> e.ttl()))
                .executor(Runnable::run)
                .buildAsync();
        this.hits = Counter.builder("fetcher.robots.cache").tag("result", "hit").register(metrics);
        this.misses = Counter.builder("fetcher.robots.cache").tag("result", "miss").register(metrics);
    }

    /**
     * The verdict for {@code url}, fetching robots.txt through {@code loader} when it is not cached.
     *
     * @throws RuntimeException the loader's, when it declined to send the request
     */
    public RobotsVerdict check(String url, Loader loader) {
        URI uri = URI.create(url);
        String robotsUrl = robotsUrl(uri);
        CompletableFuture<Entry> existing = cache.getIfPresent(robotsUrl);
        if (existing != null && existing.isDone() && !existing.isCompletedExceptionally()) {
            hits.increment();
        } else {
            misses.increment();
        }
        Entry entry;
        try {
            entry = cache.get(robotsUrl, (key, executor) -> CompletableFuture.supplyAsync(() -> load(key, loader), loaders)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
        if (entry.rules() == null) {
            return new RobotsVerdict(entry.whenNoRules(), -1, entry.reason());
        }
        if (!entry.rules().isAllowed(url)) {
            return new RobotsVerdict(RobotsVerdict.Decision.DISALLOWED, entry.rules().getCrawlDelay(), "robots.txt disallows " + uri.getRawPath());
        }
        long delay = entry.rules().getCrawlDelay();
        return RobotsVerdict.allowed(delay == BaseRobotRules.UNSET_CRAWL_DELAY ? -1 : delay);
    }

    /**
     * The {@code Sitemap:} lines of the robots.txt of {@code url}'s host, when a {@link #check} has cached its rules;
     * else empty.
     */
    public List<String> sitemaps(String url) {
        CompletableFuture<Entry> entry = cache.getIfPresent(robotsUrl(URI.create(url)));
        if (entry == null || !entry.isDone() || entry.isCompletedExceptionally() || entry.join().rules() == null) {
            return List.of();
        }
        return List.copyOf(entry.join().rules().getSitemaps());
    }

    private static String robotsUrl(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + "/robots.txt";
    }

    private Entry load(String robotsUrl, Loader loader) {
        String current = robotsUrl;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResult r;
            try {
                r = loader.get(current);
            } catch (FetchFailure f) {
                if (f.kind() == FetchFailure.Kind.BLOCKED) {
                    return new Entry(null, RobotsVerdict.Decision.DISALLOWED, f.getMessage(), errorTtl);
                }
                return new Entry(null, RobotsVerdict.Decision.DEFERRED, "robots.txt unreachable: " + f.getMessage(), errorTtl);
            }
            int s = r.status();
            if (s >= 200 && s < 300) {
                return new Entry(parser.parseContent(current, r.body(), r.contentType(), agents), null, null, ttl);
            }
            if (s >= 300 && s < 400 && r.location() != null) {
                try {
                    current = URI.create(current).resolve(r.location().trim()).toString();
                } catch (IllegalArgumentException e) {
                    return new Entry(null, RobotsVerdict.Decision.ALLOWED, null, errorTtl);
                }
                continue;
            }
            if (s == 429 || s >= 500) {
                return new Entry(null, RobotsVerdict.Decision.DEFERRED, "robots.txt answered HTTP " + s + "; host deferred", errorTtl);
            }
            return new Entry(null, RobotsVerdict.Decision.ALLOWED, null, errorTtl); // 4xx (and odd 1xx/3xx): no rules
        }
        return new Entry(null, RobotsVerdict.Decision.ALLOWED, null, errorTtl); // too many redirects: RFC 9309 treats as unavailable (4xx)
    }

    public void close() {
        loaders.shutdownNow();
    }
}
