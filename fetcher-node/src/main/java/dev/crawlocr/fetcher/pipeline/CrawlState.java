package dev.crawlocr.fetcher.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.fetcher.url.CrawlScopeFilter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this node remembers per crawl: the compiled scope of the latest job settings, pages started per crawl and
 * per host (for the page caps), and redirect hop counts (a redirect target remembers how many hops led to it; a
 * chain of redirects on one host is owned by one fetcher, and the registry's dedup ends any loop). Counts are this
 * node's own. Thread-safe.
 */
public final class CrawlState {
    private record Compiled(CrawlJob job, CrawlScopeFilter filter) {
    }

    private final ConcurrentHashMap<String, Compiled> scopes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> pagesPerCrawl = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> pagesPerHost = new ConcurrentHashMap<>();
    private final Cache<String, Integer> redirectHops = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofHours(6)).build();

    public CrawlScopeFilter scope(CrawlJob job) {
        Compiled c = scopes.compute(job.crawlId(), (id, old) -> old != null && old.job.equals(job) ? old : new Compiled(job, new CrawlScopeFilter(job)));
        return c.filter;
    }

    /**
     * Reserves one page of the crawl's caps for {@code host}. Empty when reserved (call {@link #releasePage} if
     * the page is not fetched after all), else why not.
     */
    public Optional<String> reservePage(CrawlJob job, String host) {
        long perHost = job.scope().maxPagesPerHost();
        long total = job.scope().maxPages();
        AtomicLong h = pagesPerHost.computeIfAbsent(job.crawlId() + " " + host, k -> new AtomicLong());
        AtomicLong c = pagesPerCrawl.computeIfAbsent(job.crawlId(), k -> new AtomicLong());
        if (perHost > 0 && h.incrementAndGet() > perHost) {
            h.decrementAndGet();
            return Optional.of("page cap reached: maxPagesPerHost " + perHost + " for " + host);
        } else if (perHost <= 0) {
            h.incrementAndGet();
        }
        if (total > 0 && c.incrementAndGet() > total) {
            c.decrementAndGet();
            h.decrementAndGet();
            return Optional.of("page cap reached: maxPages " + total + " for the crawl");
        } else if (total <= 0) {
            c.incrementAndGet();
        }
        return Optional.empty();
    }

    public void releasePage(CrawlJob job, String host) {
        AtomicLong h = pagesPerHost.get(job.crawlId() + " " + host);
        AtomicLong c = pagesPerCrawl.get(job.crawlId());
        if (h != null) {
            h.decrementAndGet();
        }
        if (c != null) {
            c.decrementAndGet();
        }
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
