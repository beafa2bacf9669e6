package dev.crawlocr.fetcher.outcome;

import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.ImageMeta;
import java.util.List;

/**
 * Everything one task produces: links per host and image bytes (sent first), then its one result.
 */
public record Outcome(FetchResult result, List<DiscoveredUrls> discovered, List<Image> images) {

    /** Image bytes for {@code crawl.images}, keyed by {@code meta.contentHash()}. */
    public record Image(ImageMeta meta, byte[] bytes) {
    }

    public static Outcome of(FetchResult result) {
        return new Outcome(result, List.of(), List.of());
    }
}
