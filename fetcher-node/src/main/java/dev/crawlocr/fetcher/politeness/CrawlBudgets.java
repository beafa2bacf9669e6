package dev.crawlocr.fetcher.politeness;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts requests per crawl against the crawl's total request budget. The count is this node's: each fetcher
 * enforces the budget on the requests it sends itself. Thread-safe.
 */
public final class CrawlBudgets {
    private final ConcurrentHashMap<String, AtomicLong> used = new ConcurrentHashMap<>();

    /** Counts one request; false (and nothing counted) when {@code max} requests were already sent. 0 means unlimited. */
    public boolean tryAcquire(String crawlId, long max) {
        AtomicLong n = used.computeIfAbsent(crawlId, k -> new AtomicLong());
        if (max <= 0) {
            n.incrementAndGet();
            return true;
        }
        long cur;
        do {
            cur = n.get();
            if (cur >= max) {
                return false;
            }
        } while (!n.compareAndSet(cur, cur + 1));
        return true;
    }

    public long used(String crawlId) {
        AtomicLong n = used.get(crawlId);
        return n == null ? 0 : n.get();
    }
}
