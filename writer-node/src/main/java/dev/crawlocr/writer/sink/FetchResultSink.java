package dev.crawlocr.writer.sink;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.writer.pipeline.BatchSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Stores fetch outcomes from {@code crawl.pages}: a PAGE outcome goes to {@code pages} (and its image references
 * to {@code page_images}, and the sitemaps its fetch read to {@code sitemaps}), an IMAGE outcome to {@code images}; every outcome updates its URL's status and releases
 * its lease ({@link UrlOutcomes}). A RETURNED outcome was never tried, so it only touches its URL's row: a stale copy
 * of a task handed back after the URL was fetched must not replace what the fetch stored. Nor does a 304 Not
 * Modified, whose content is the one stored. Within a batch one outcome
 * per URL is kept, the latest of those that were tried (a RETURNED one only when none was), and rows are written in
 * key order so that concurrent batches cannot deadlock.
 */
public final class FetchResultSink implements BatchSink<FetchResultSink.Outcome> {

    /** A decoded outcome with its URL hash. */
    public record Outcome(FetchResult result, byte[] urlHash) {
        String key() {
            return result.crawlId() + '\0' + Hashes.hex(urlHash);
        }
    }

    private final PageRows pages;
    private final ImageRows images;
    private final SitemapRows sitemaps;
    private final UrlOutcomes urls;
    private final Runnable onOutcomes;

    /** @param onOutcomes called after outcomes are committed: their leases ended, so their hosts have room again */
    public FetchResultSink(int maxAttempts, Duration retryDelay, Runnable onOutcomes, MeterRegistry metrics) {
        this.onOutcomes = onOutcomes;
        this.pages = new PageRows(metrics);
        this.images = new ImageRows(metrics);
        this.sitemaps = new SitemapRows(metrics);
        this.urls = new UrlOutcomes(maxAttempts, retryDelay, metrics);
    }

    @Override
    public String name() {
        return "pages";
    }

    @Override
    public Outcome decode(ConsumerRecord<byte[], byte[]> record) {
        FetchResult r = Json.decode(record.value(), FetchResult.class);
        return new Outcome(r, Hashes.urlHash(r.url()));
    }

    @Override
    public void write(Connection c, List<Outcome> batch) throws SQLException {
        Map<String, Outcome> latest = new LinkedHashMap<>();
        for (Outcome o : batch) {
            latest.merge(o.key(), o, FetchResultSink::kept);
        }
        List<Outcome> pageOutcomes = new ArrayList<>();
        List<Outcome> imageOutcomes = new ArrayList<>();
        List<Outcome> ordered = latest.values().stream().sorted(java.util.Comparator.comparing(Outcome::key)).toList();
        for (Outcome o : ordered) {
            if (o.result().status() != FetchStatus.RETURNED && !o.result().notModified()) {
                (o.result().kind() == UrlKind.IMAGE ? imageOutcomes : pageOutcomes).add(o);
            }
        }
        pages.write(c, pageOutcomes);
        images.write(c, imageOutcomes);
        sitemaps.write(c, pageOutcomes);
        urls.write(c, ordered);
    }

    /** Of two outcomes for one URL, the one to keep: a tried one over a RETURNED one, then the later one. */
    private static Outcome kept(Outcome a, Outcome b) {
        boolean aTried = a.result().status() != FetchStatus.RETURNED;
        boolean bTried = b.result().status() != FetchStatus.RETURNED;
        if (aTried != bTried) {
            return aTried ? a : b;
        }
        return b.result().fetchedAtMs() >= a.result().fetchedAtMs() ? b : a;
    }

    @Override
    public void afterCommit(List<Outcome> batch) {
        onOutcomes.run();
    }
}
