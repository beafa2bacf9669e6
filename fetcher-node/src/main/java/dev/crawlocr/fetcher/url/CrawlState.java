package dev.crawlocr.fetcher.url;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.crawlocr.common.message.CrawlJob;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node remembers per crawl: the compiled scope of the latest job settings, and redirect hop counts (a
 * redirect target remembers how many hops led to it; a chain of redirects on one host is owned by one fetcher, and
 * the registry's dedup ends any loop). Thread-safe.
 */
public final class CrawlState {
    private record Compiled(CrawlJob job, CrawlScopeFilter filter) {
    }

    private final ConcurrentHashMap<String, Compiled> scopes = new ConcurrentHashMap<>();
    private final Cache<String, Integer> redirectHops = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofHours(6)).build();

    public CrawlScopeFilter scope(CrawlJob job) {
        Compiled c = scopes.compute(job.crawlId(), (id, old) -> old != null && old.job.equals(job) ? old : new Compiled(job, new CrawlScopeFilter(job)));
        return c.filter;
    }

    /** Redirect hops that led to {@code url} (0 when it was not a redirect target). */
    public int hopsTo(String url) {
        Integer h = redirectHops.getIfPresent(url);
        return h == null ? 0 : h;
    }

    public void recordRedirect(String target, int hops) {
        redirectHops.asMap().merge(target, hops, Math::max);
    }
}
