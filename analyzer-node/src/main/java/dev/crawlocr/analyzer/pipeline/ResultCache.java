package dev.crawlocr.analyzer.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.crawlocr.analyzer.ocr.ResolvedSettings;
import java.util.Optional;

/**
 * Successful analyses by crawl, content hash and settings, so an image already read in a crawl is not read again
 * (the same picture linked from many pages, or redelivered after a rebalance). Bounded (least recently used
 * entries are evicted, on the writing thread, so the bound holds at once rather than when a pool thread gets to it);
 * size 0 disables it. Thread-safe.
 */
public final class ResultCache {
    private final Cache<String, Analysis> cache;

    public ResultCache(int maxEntries) {
        this.cache = maxEntries == 0 ? null : Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    }

    public Optional<Analysis> get(String crawlId, String contentHash, ResolvedSettings settings) {
        return cache == null ? Optional.empty() : Optional.ofNullable(cache.getIfPresent(key(crawlId, contentHash, settings)));
    }

    public void put(String crawlId, String contentHash, ResolvedSettings settings, Analysis analysis) {
        if (cache != null) {
            cache.put(key(crawlId, contentHash, settings), analysis);
        }
    }

    public long size() {
        return cache == null ? 0 : cache.estimatedSize();
    }

    private static String key(String crawlId, String contentHash, ResolvedSettings s) {
        return crawlId + '\n' + contentHash + '\n' + s.languages() + '\n' + s.engine().oem() + '\n' + s.pageSegMode() + '\n' + s.minWordConfidence();
    }
}
