package dev.crawlocr.writer.sink;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Upserts {@code pages} (the latest outcome per URL wins, its dropped-link counts included, so a redelivered outcome
 * never adds to them) and inserts {@code page_images} for fetched pages. A response kept as data is stored as
 * {@link DataBodies} says: its body in {@code text}, and a JSON body also in {@code body_json} or why not in
 * {@code body_note}.
 */
final class PageRows {

    private static final String UPSERT_PAGE = """
            INSERT INTO pages AS p (crawl_id, url_hash, url, final_url, status, reason, http_status, content_type, title, text,
                truncated, content_hash, bytes, outlink_count, dropped_links, image_count, redirect_to, depth, fetched_at, fetch_ms,
                body_json, body_note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?)
            ON CONFLICT (crawl_id, url_hash) DO UPDATE SET
                final_url = EXCLUDED.final_url, status = EXCLUDED.status, reason = EXCLUDED.reason,
                http_status = EXCLUDED.http_status, content_type = EXCLUDED.content_type, title = EXCLUDED.title,
                text = EXCLUDED.text, truncated = EXCLUDED.truncated, content_hash = EXCLUDED.content_hash,
                bytes = EXCLUDED.bytes, outlink_count = EXCLUDED.outlink_count, dropped_links = EXCLUDED.dropped_links,
                image_count = EXCLUDED.image_count,
                redirect_to = EXCLUDED.redirect_to, depth = EXCLUDED.depth, fetched_at = EXCLUDED.fetched_at,
                fetch_ms = EXCLUDED.fetch_ms, body_json = EXCLUDED.body_json, body_note = EXCLUDED.body_note, stored_at = now()
            WHERE p.fetched_at < EXCLUDED.fetched_at""";

    private static final String INSERT_PAGE_IMAGE = """
            INSERT INTO page_images (crawl_id, page_url_hash, image_url_hash, image_url) VALUES (?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";

    private final Counter pageRows;
    private final Counter pageImageRows;

    PageRows(MeterRegistry metrics) {
        this.pageRows = Sql.rows(metrics, "pages");
        this.pageImageRows = Sql.rows(metrics, "page_images");
    }

    void write(Connection c, List<FetchResultSink.Outcome> outcomes) throws SQLException {
        if (outcomes.isEmpty()) {
            return;
        }
        boolean anyImages = false;
        try (PreparedStatement ps = c.prepareStatement(UPSERT_PAGE)) {
            for (FetchResultSink.Outcome o : outcomes) {
                FetchResult r = o.result();
                ps.setString(1, r.crawlId());
                ps.setBytes(2, o.urlHash());
                Sql.setText(ps, 3, r.url());
                Sql.setText(ps, 4, r.finalUrl());
                ps.setString(5, r.status().name());
                Sql.setText(ps, 6, r.reason());
                ps.setInt(7, r.httpStatus());
                Sql.setText(ps, 8, r.contentType());
                Sql.setText(ps, 9, r.title());
                Sql.setText(ps, 10, DataBodies.text(r));
                ps.setBoolean(11, r.truncated());
                Sql.setText(ps, 12, r.contentHash());
                ps.setLong(13, r.bytes());
                ps.setInt(14, r.outlinkCount());
                ps.setString(15, new String(Json.encode(r.droppedLinks()), StandardCharsets.UTF_8));
                ps.setInt(16, r.imageUrls().size());
                Sql.setText(ps, 17, r.redirectTo());
                ps.setInt(18, r.depth());
                ps.setObject(19, Sql.ts(r.fetchedAtMs()));
                ps.setLong(20, r.fetchMs());
                DataBodies.JsonColumns json = DataBodies.json(r);
                Sql.setText(ps, 21, json.json());
                Sql.setText(ps, 22, json.note());
                ps.addBatch();
                anyImages |= r.status() == FetchStatus.FETCHED && !r.imageUrls().isEmpty();
            }
            pageRows.increment(Sql.executeBatch(ps));
        }
        if (anyImages) {
            writePageImages(c, outcomes);
        }
    }

    private void writePageImages(Connection c, List<FetchResultSink.Outcome> outcomes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_PAGE_IMAGE)) {
            for (FetchResultSink.Outcome o : outcomes) {
                if (o.result().status() != FetchStatus.FETCHED) {
                    continue;
                }
                for (String imageUrl : new LinkedHashSet<>(o.result().imageUrls())) {
                    ps.setString(1, o.result().crawlId());
                    ps.setBytes(2, o.urlHash());
                    ps.setBytes(3, Hashes.urlHash(imageUrl));
                    Sql.setText(ps, 4, imageUrl);
                    ps.addBatch();
                }
            }
            pageImageRows.increment(Sql.executeBatch(ps));
        }
    }
}
