package dev.crawlocr.writer.sink;

import dev.crawlocr.common.message.FetchResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Upserts {@code images}, keyed by crawl and image URL, with the content hash that keys its OCR result. Format
 * and dimensions are copied from an OCR result already stored (OCR may arrive before the fetch outcome); the
 * {@link ContentLocks} make sure one of the two writers sees the other's row.
 */
final class ImageRows {

    private static final String UPSERT_IMAGE = """
            INSERT INTO images AS i (crawl_id, url_hash, url, status, reason, http_status, content_hash, content_type, bytes,
                fetched_at, fetch_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (crawl_id, url_hash) DO UPDATE SET
                status = EXCLUDED.status, reason = EXCLUDED.reason, http_status = EXCLUDED.http_status,
                content_hash = EXCLUDED.content_hash, content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes,
                fetched_at = EXCLUDED.fetched_at, fetch_ms = EXCLUDED.fetch_ms, stored_at = now()
            WHERE i.fetched_at < EXCLUDED.fetched_at""";

    private static final String COPY_OCR_META = """
            UPDATE images i SET format = o.format, width = o.width, height = o.height
            FROM ocr_results o
            WHERE i.crawl_id = ? AND i.url_hash = ? AND o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
              AND o.format IS NOT NULL AND i.format IS DISTINCT FROM o.format""";

    private final Counter rows;

    ImageRows(MeterRegistry metrics) {
        this.rows = Sql.rows(metrics, "images");
    }

    void write(Connection c, List<FetchResultSink.Outcome> outcomes) throws SQLException {
        if (outcomes.isEmpty()) {
            return;
        }
        ContentLocks.lock(c, outcomes.stream().filter(o -> o.result().contentHash() != null)
                .map(o -> ContentLocks.key(o.result().crawlId(), o.result().contentHash())).toList());
        try (PreparedStatement ps = c.prepareStatement(UPSERT_IMAGE)) {
            for (FetchResultSink.Outcome o : outcomes) {
                FetchResult r = o.result();
                ps.setString(1, r.crawlId());
                ps.setBytes(2, o.urlHash());
                Sql.setText(ps, 3, r.url());
                ps.setString(4, r.status().name());
                Sql.setText(ps, 5, r.reason());
                ps.setInt(6, r.httpStatus());
                Sql.setText(ps, 7, r.contentHash());
                Sql.setText(ps, 8, r.contentType());
                ps.setLong(9, r.bytes());
                ps.setObject(10, Sql.ts(r.fetchedAtMs()));
                ps.setLong(11, r.fetchMs());
                ps.addBatch();
            }
            rows.increment(Sql.executeBatch(ps));
        }
        try (PreparedStatement ps = c.prepareStatement(COPY_OCR_META)) {
            for (FetchResultSink.Outcome o : outcomes) {
                ps.setString(1, o.result().crawlId());
                ps.setBytes(2, o.urlHash());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
