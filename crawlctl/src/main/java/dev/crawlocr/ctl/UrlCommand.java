package dev.crawlocr.ctl;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Urls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code crawlctl url URL}: one URL's history: where it was found, its fetch outcomes, its images and their OCR. */
@Command(name = "url", description = "Show one URL's history: discovered from where, fetch outcome, images, OCR outcome.")
final class UrlCommand implements Callable<Integer> {
    @ParentCommand
    Crawlctl root;
    @Parameters(paramLabel = "URL")
    String url;
    @Option(names = "--crawl", description = "Only this crawl")
    String crawl;

    @Override
    public Integer call() throws Exception {
        String normalized = new Urls(List.of()).normalize(url)
                .orElseThrow(() -> new UserError("Invalid URL '" + url + "': give an absolute http:// or https:// URL"));
        byte[] hash = Hashes.urlHash(normalized);
        try (Connection db = root.db()) {
            int found = section(db, "registry", """
                    SELECT crawl_id, kind, status, depth, discovered_from, attempts, last_http_status, discovered_at, fetched_at, lease_until
                    FROM urls WHERE url_hash = ? AND (?::text IS NULL OR crawl_id = ?) ORDER BY discovered_at""", hash);
            if (found == 0) {
                throw new UserError("No crawl has seen " + normalized + (crawl == null ? "" : " in crawl " + crawl));
            }
            section(db, "page", """
                    SELECT crawl_id, status, reason, http_status, content_type, title, bytes, truncated, outlink_count,
                           nullif(dropped_links, '{}') AS dropped_links, image_count, redirect_to, fetch_ms, fetched_at,
                           body_note, left(text, 200) AS text_start
                    FROM pages WHERE url_hash = ? AND (?::text IS NULL OR crawl_id = ?)""", hash);
            section(db, "image", """
                    SELECT i.crawl_id, i.status, i.reason, i.http_status, i.content_type, i.format, i.width, i.height, i.bytes, i.content_hash,
                           o.status AS ocr_status, o.reason AS ocr_reason, o.mean_confidence, o.languages, o.ocr_ms, left(o.text, 200) AS ocr_text
                    FROM images i LEFT JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
                    WHERE i.url_hash = ? AND (?::text IS NULL OR i.crawl_id = ?)""", hash);
            section(db, "images on this page", """
                    SELECT pi.crawl_id, pi.image_url, i.status, o.status AS ocr_status, o.mean_confidence, left(o.text, 120) AS ocr_text
                    FROM page_images pi
                    LEFT JOIN images i ON i.crawl_id = pi.crawl_id AND i.url_hash = pi.image_url_hash
                    LEFT JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
                    WHERE pi.page_url_hash = ? AND (?::text IS NULL OR pi.crawl_id = ?) ORDER BY pi.image_url""", hash);
            section(db, "failed attempts", """
                    SELECT crawl_id, fetched_at, status, http_status, reason FROM fetch_errors
                    WHERE url_hash = ? AND (?::text IS NULL OR crawl_id = ?) ORDER BY fetched_at""", hash);
        }
        return 0;
    }

    private int section(Connection db, String title, String sql, byte[] hash) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setBytes(1, hash);
            ps.setString(2, crawl);
            ps.setString(3, crawl);
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    if (rows++ == 0) {
                        System.out.println(title);
                    }
                    for (int c = 1; c <= md.getColumnCount(); c++) {
                        Object v = rs.getObject(c);
                        if (v != null) {
                            System.out.printf("  %-17s %s%n", md.getColumnLabel(c), v.toString().replaceAll("\\s+", " "));
                        }
                    }
                    System.out.println();
                }
            }
            return rows;
        }
    }
}
