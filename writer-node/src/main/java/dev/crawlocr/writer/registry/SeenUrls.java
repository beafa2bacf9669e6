package dev.crawlocr.writer.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;

/**
 * An LRU-ish (Caffeine, size-bounded) set of URL keys that are known to be in the registry. Only keys whose
 * insert has committed are added, so a hit may safely skip the database. A miss says nothing: the database
 * decides. Thread-safe. Metrics: {@code writer.registry.cache{result=hit|miss}} and
 * {@code writer.registry.cache.hit.ratio}.
 */
public final class SeenUrls {
    private final Cache<ByteBuffer, Boolean> cache;
    private final Counter hits;
    private final Counter misses;

    /** @param maxSize keys kept; 0 disables the cache (every lookup misses) */
    public SeenUrls(long maxSize, MeterRegistry metrics) {
        this.cache = maxSize == 0 ? null : Caffeine.newBuilder().maximumSize(maxSize).build();
        this.hits = Counter.builder("writer.registry.cache").tag("result", "hit").description("Registry cache lookups").register(metrics);
        this.misses = Counter.builder("writer.registry.cache").tag("result", "miss").description("Registry cache lookups").register(metrics);
        Gauge.builder("writer.registry.cache.hit.ratio", this, SeenUrls::hitRatio).description("Registry cache hits / lookups")
                .register(metrics);
    }

    /** Key of a URL in a crawl: the crawl id and the 16-byte URL hash. */
    public static ByteBuffer key(String crawlId, byte[] urlHash) {
        byte[] id = crawlId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ByteBuffer.allocate(id.length + 1 + urlHash.length).put(id).put((byte) 0).put(urlHash).flip();
    }

    /** True when the key is known to be registered (counted as a hit), false otherwise (a miss). */
    public boolean seen(ByteBuffer key) {
        if (cache != null && cache.getIfPresent(key) != null) {
            hits.increment();
            return true;
        }
        misses.increment();
        return false;
    }

    /** Records keys whose registry rows are committed. */
    public void add(ByteBuffer key) {
        if (cache != null) {
            cache.put(key, Boolean.TRUE);
        }
    }

    public double hitRatio() {
        double total = hits.count() + misses.count();
        return total == 0 ? 0 : hits.count() / total;
    }
}
