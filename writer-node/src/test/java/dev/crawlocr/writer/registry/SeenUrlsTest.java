package dev.crawlocr.writer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Hashes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SeenUrlsTest {

    @Test
    void onlyAddedKeysHitAndTheRatioIsReported() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        SeenUrls seen = new SeenUrls(100, metrics);
        var a = SeenUrls.key("c1", Hashes.urlHash("http://a.test/"));
        var sameUrlOtherCrawl = SeenUrls.key("c2", Hashes.urlHash("http://a.test/"));
        assertThat(seen.seen(a)).isFalse();
        seen.add(a);
        assertThat(seen.seen(SeenUrls.key("c1", Hashes.urlHash("http://a.test/")))).isTrue();
        assertThat(seen.seen(sameUrlOtherCrawl)).isFalse();
        assertThat(seen.hitRatio()).isEqualTo(1.0 / 3);
        assertThat(metrics.get("writer.registry.cache").tag("result", "hit").counter().count()).isEqualTo(1);
        assertThat(metrics.get("writer.registry.cache.hit.ratio").gauge().value()).isEqualTo(1.0 / 3);
    }

    @Test
    void aZeroSizeCacheAlwaysMisses() {
        SeenUrls seen = new SeenUrls(0, new SimpleMeterRegistry());
        var a = SeenUrls.key("c1", Hashes.urlHash("http://a.test/"));
        seen.add(a);
        assertThat(seen.seen(a)).isFalse();
    }
}
