package dev.crawlocr.writer.sink;

import dev.crawlocr.common.message.SitemapRead;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Comparator;
import java.util.List;

/**
 * Upserts {@code sitemaps}: one row per crawl and sitemap URL, from the sitemaps a seed's fetch read
 * ({@link dev.crawlocr.common.message.FetchResult#sitemaps()}). A later read replaces an earlier one and a redelivered
 * one changes nothing. Rows are written in key order, so concurrent writers cannot deadlock on them.
 */
final class SitemapRows {

    private static final String UPSERT = """
            INSERT INTO sitemaps AS s (crawl_id, url, status, found, accepted, reason, seed_url, read_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (crawl_id, url) DO UPDATE SET
                status = EXCLUDED.status, found = EXCLUDED.found, accepted = EXCLUDED.accepted, reason = EXCLUDED.reason,
                seed_url = EXCLUDED.seed_url, read_at = EXCLUDED.read_at
            WHERE s.read_at < EXCLUDED.read_at""";

    private record Row(FetchResultSink.Outcome outcome, SitemapRead read) {
        String key() {
            return outcome.result().crawlId() + '\0' + read.url();
        }
    }

    private final Counter rows;

    SitemapRows(MeterRegistry metrics) {
        this.rows = Counter.builder("writer.rows").tag("table", "sitemaps").description("Rows inserted or updated").register(metrics);
    }

    void write(Connection c, List<FetchResultSink.Outcome> outcomes) throws SQLException {
        List<Row> all = outcomes.stream().flatMap(o -> o.result().sitemaps().stream().map(s -> new Row(o, s)))
                .sorted(Comparator.comparing(Row::key)).toList();
        if (all.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (Row r : all) {
                ps.setString(1, r.outcome().result().crawlId());
                ps.setString(2, r.read().url());
                ps.setString(3, r.read().status().name());
                ps.setInt(4, r.read().found());
                ps.setInt(5, r.read().accepted());
                ps.setString(6, r.read().reason());
                ps.setString(7, r.outcome().result().url());
                ps.setTimestamp(8, new Timestamp(r.outcome().result().fetchedAtMs()));
                ps.addBatch();
            }
            int n = 0;
            for (int updated : ps.executeBatch()) {
                n += Math.max(updated, 0);
            }
            rows.increment(n);
        }
    }
}
