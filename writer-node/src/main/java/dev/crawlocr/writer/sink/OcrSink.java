package dev.crawlocr.writer.sink;

import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.writer.pipeline.BatchSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Stores {@code crawl.ocr} results in {@code ocr_results}, one row per crawl and content hash. An OK result
 * replaces a FAILED one, never the reverse. Copies format and dimensions to the crawl's images with that hash.
 * The pages of an OK PDF result go to {@code pdf_pages}, one row per page, upserted in the same transaction.
 */
public final class OcrSink implements BatchSink<OcrResult> {

    private static final String UPSERT = """
            INSERT INTO ocr_results AS o (crawl_id, content_hash, image_url, status, reason, text, mean_confidence, words,
                languages, engine_version, format, width, height, decode_ms, preprocess_ms, ocr_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (crawl_id, content_hash) DO UPDATE SET
                image_url = EXCLUDED.image_url, status = EXCLUDED.status, reason = EXCLUDED.reason, text = EXCLUDED.text,
                mean_confidence = EXCLUDED.mean_confidence, words = EXCLUDED.words, languages = EXCLUDED.languages,
                engine_version = EXCLUDED.engine_version, format = EXCLUDED.format, width = EXCLUDED.width,
                height = EXCLUDED.height, decode_ms = EXCLUDED.decode_ms, preprocess_ms = EXCLUDED.preprocess_ms,
                ocr_ms = EXCLUDED.ocr_ms, stored_at = now()
            WHERE o.status <> 'OK' OR EXCLUDED.status = 'OK'""";

    private static final String COPY_META = """
            UPDATE images SET format = ?, width = ?, height = ?
            WHERE crawl_id = ? AND content_hash = ? AND format IS DISTINCT FROM ?""";

    private static final String UPSERT_PAGE = """
            INSERT INTO pdf_pages AS p (crawl_id, content_hash, page_number, source, text, confidence, words, dpi, languages)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            ON CONFLICT (crawl_id, content_hash, page_number) DO UPDATE SET
                source = EXCLUDED.source, text = EXCLUDED.text, confidence = EXCLUDED.confidence, words = EXCLUDED.words,
                dpi = EXCLUDED.dpi, languages = EXCLUDED.languages, stored_at = now()""";

    private final Counter rows;
    private final Counter pageRows;
    private final Runnable onStored;

    /** @param onStored called after results are committed: the last one may complete its crawl */
    public OcrSink(Runnable onStored, MeterRegistry metrics) {
        this.onStored = onStored;
        this.rows = Sql.rows(metrics, "ocr_results");
        this.pageRows = Sql.rows(metrics, "pdf_pages");
    }

    @Override
    public void afterCommit(List<OcrResult> batch) {
        onStored.run();
    }

    @Override
    public String name() {
        return "ocr";
    }

    @Override
    public OcrResult decode(ConsumerRecord<byte[], byte[]> record) {
        return Json.decode(record.value(), OcrResult.class);
    }

    @Override
    public void write(Connection c, List<OcrResult> batch) throws SQLException {
        Map<String, OcrResult> latest = new LinkedHashMap<>();
        for (OcrResult r : batch) {
            latest.merge(r.crawlId() + '\0' + r.contentHash(), r, (a, b) -> a.status() == OcrResult.Status.OK && b.status() != OcrResult.Status.OK ? a : b);
        }
        ContentLocks.lock(c, latest.values().stream().map(r -> ContentLocks.key(r.crawlId(), r.contentHash())).toList());
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (OcrResult r : latest.values()) {
                ps.setString(1, r.crawlId());
                ps.setString(2, r.contentHash());
                Sql.setText(ps, 3, r.imageUrl());
                ps.setString(4, r.status().name());
                Sql.setText(ps, 5, r.reason());
                Sql.setText(ps, 6, r.text());
                ps.setFloat(7, r.meanConfidence());
                ps.setString(8, new String(Json.encode(cleanWords(r.words())), StandardCharsets.UTF_8));
                Sql.setText(ps, 9, r.languages());
                Sql.setText(ps, 10, r.engineVersion());
                Sql.setText(ps, 11, r.format());
                ps.setInt(12, r.width());
                ps.setInt(13, r.height());
                ps.setLong(14, r.decodeMs());
                ps.setLong(15, r.preprocessMs());
                ps.setLong(16, r.ocrMs());
                ps.addBatch();
            }
            rows.increment(Sql.executeBatch(ps));
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_PAGE)) {
            int pages = 0;
            for (OcrResult r : latest.values()) {
                if (r.status() != OcrResult.Status.OK) {
                    continue;
                }
                for (OcrResult.Page p : r.pages()) {
                    ps.setString(1, r.crawlId());
                    ps.setString(2, r.contentHash());
                    ps.setInt(3, p.number());
                    ps.setString(4, p.source());
                    Sql.setText(ps, 5, p.text());
                    ps.setFloat(6, p.confidence());
                    ps.setString(7, new String(Json.encode(cleanWords(p.words())), StandardCharsets.UTF_8));
                    ps.setInt(8, p.dpi());
                    Sql.setText(ps, 9, r.languages());
                    ps.addBatch();
                    pages++;
                }
            }
            if (pages > 0) {
                pageRows.increment(Sql.executeBatch(ps));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(COPY_META)) {
            for (OcrResult r : latest.values()) {
                if (r.format() == null) {
                    continue;
                }
                ps.setString(1, r.format());
                ps.setInt(2, r.width());
                ps.setInt(3, r.height());
                ps.setString(4, r.crawlId());
                ps.setString(5, r.contentHash());
                ps.setString(6, r.format());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** jsonb rejects NUL even when escaped, so word texts lose it. */
    private static List<OcrResult.Word> cleanWords(List<OcrResult.Word> words) {
        return words.stream().map(w -> new OcrResult.Word(Sql.clean(w.text()), w.confidence(), w.x(), w.y(), w.width(), w.height())).toList();
    }
}
