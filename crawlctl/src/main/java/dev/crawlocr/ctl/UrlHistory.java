package dev.crawlocr.ctl;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Urls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One URL's history as {@code crawlctl url} and the console show it: its registry rows (how it was discovered: as a
 * seed, a link or a sitemap entry, and from which page's fetch; on a recrawl its cycle, whether its content changed
 * and the previous content's hash and time), its page or image outcome with the image's OCR, a PDF's result and its
 * pages, the images on the page, and failed attempts. Reads only.
 */
final class UrlHistory {

    /** One titled part of the history: rows of (column label, value), null values left out. */
    record Section(String title, List<Map<String, Object>> rows) {
    }

    private static final List<String[]> SECTIONS = List.of(
            new String[] {"registry", """
                    SELECT crawl_id, kind, status, depth, discovery, discovered_from, attempts, last_http_status, discovered_at, fetched_at, lease_until,
                           nullif(cycle, 1) AS cycle, change, content_hash, changed_at, prev_content_hash, prev_fetched_at, etag, last_modified
                    FROM urls WHERE url_hash = ? AND (?::text IS NULL OR crawl_id = ?) ORDER BY discovered_at"""},
            new String[] {"page", """
                    SELECT crawl_id, status, reason, http_status, content_type, title, bytes, truncated, outlink_count,
                           nullif(dropped_links, '{}') AS dropped_links, image_count, redirect_to, fetch_ms, fetched_at,
                           body_note, left(text, 200) AS text_start
                    FROM pages WHERE url_hash = ? AND (?::text IS NULL OR crawl_id = ?)"""},
            new String[] {"image", """
                    SELECT i.crawl_id, i.status, i.reason, i.http_status, i.content_type, i.format, i.width, i.height, i.bytes, i.content_hash,
                           o.status AS ocr_status, o.reason AS ocr_reason, o.mean_confidence, o.languages, o.ocr_ms, left(o.text, 200) AS ocr_text
                    FROM images i LEFT JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
                    WHERE i.url_hash = ? AND (?::text IS NULL OR i.crawl_id = ?)"""},
            new String[] {"pdf", """
                    SELECT o.crawl_id, o.content_hash, o.status AS pdf_status, o.reason AS pdf_reason, o.mean_confidence, o.languages,
                           (SELECT count(*) FROM pdf_pages pp WHERE pp.crawl_id = o.crawl_id AND pp.content_hash = o.content_hash) AS pages,
                           o.decode_ms, o.preprocess_ms, o.ocr_ms
                    FROM pages p JOIN ocr_results o ON o.crawl_id = p.crawl_id AND o.content_hash = p.content_hash
                    WHERE p.url_hash = ? AND (?::text IS NULL OR p.crawl_id = ?) AND p.content_type = 'application/pdf'"""},
            new String[] {"pdf pages", """
                    SELECT pp.crawl_id, pp.page_number, pp.source, pp.confidence, jsonb_array_length(pp.words) AS words,
                           left(pp.text, 200) AS text_start
                    FROM pages p JOIN pdf_pages pp ON pp.crawl_id = p.crawl_id AND pp.content_hash = p.content_hash
                    WHERE p.url_hash = ? AND (?::text IS NULL OR p.crawl_id = ?) AND p.content_type = 'application/pdf'
                    ORDER BY pp.crawl_id, pp.page_number"""},
            new String[] {"images on this page", """
                    SELECT pi.crawl_id, pi.image_url, i.status, i.content_hash, o.status AS ocr_status, o.mean_confidence,
                           left(o.text, 120) AS ocr_text
                    FROM page_images pi
                    LEFT JOIN images i ON i.crawl_id = pi.crawl_id AND i.url_hash = pi.image_url_hash
                    LEFT JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
                    WHERE pi.page_url_hash = ? AND (?::text IS NULL OR pi.crawl_id = ?) ORDER BY pi.image_url"""},
            new String[] {"failed attempts", """
                    SELECT crawl_id, fetched_at, status, http_status, reason FROM fetch_errors
                    WHERE url_hash = ? AND (?::text IS NULL OR crawl_id = ?) ORDER BY fetched_at"""});

    /** {@code url} normalized as the registry keys it, or empty when it is no absolute http(s) URL. */
    static Optional<String> normalize(String url) {
        return new Urls(List.of()).normalize(url);
    }

    /**
     * The history of the normalized URL {@code url}, in {@code crawl} only when not null: every section with rows, in
     * order; empty when no crawl has registered the URL.
     */
    static List<Section> of(Connection db, String url, String crawl) throws SQLException {
        byte[] hash = Hashes.urlHash(url);
        List<Section> out = new ArrayList<>();
        for (String[] s : SECTIONS) {
            List<Map<String, Object>> rows = rows(db, s[1], hash, crawl);
            if (out.isEmpty() && rows.isEmpty()) {
                return List.of(); // not in the registry
            }
            if (!rows.isEmpty()) {
                out.add(new Section(s[0], rows));
            }
        }
        return out;
    }

    private static List<Map<String, Object>> rows(Connection db, String sql, byte[] hash, String crawl) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setBytes(1, hash);
            ps.setString(2, crawl);
            ps.setString(3, crawl);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= md.getColumnCount(); c++) {
                        Object v = rs.getObject(c);
                        if (v != null) {
                            row.put(md.getColumnLabel(c), v);
                        }
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private UrlHistory() {
    }
}
