package dev.crawlocr.writer.lifecycle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-crawl counts: URLs by status (keys QUEUED, LEASED, FETCHED, REDIRECT, FETCH_ERROR, ERROR, DENIED, only
 * those present), plus {@code urls} (all), {@code pages} and {@code images} (stored with status FETCHED),
 * {@code ocr} (OCR results OK) and {@code ocrFailed}.
 */
public final class CrawlCounts {

    private static final String BY_STATUS = "SELECT status, count(*) FROM urls WHERE crawl_id = ? GROUP BY status ORDER BY status";
    private static final String STORED = """
            SELECT (SELECT count(*) FROM pages WHERE crawl_id = ? AND status = 'FETCHED'),
                   (SELECT count(*) FROM images WHERE crawl_id = ? AND status = 'FETCHED'),
                   (SELECT count(*) FROM ocr_results WHERE crawl_id = ? AND status = 'OK'),
                   (SELECT count(*) FROM ocr_results WHERE crawl_id = ? AND status = 'FAILED')""";

    public static Map<String, Long> of(Connection c, String crawlId) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        long urls = 0;
        try (PreparedStatement ps = c.prepareStatement(BY_STATUS)) {
            ps.setString(1, crawlId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                    urls += rs.getLong(2);
                }
            }
        }
        counts.put("urls", urls);
        try (PreparedStatement ps = c.prepareStatement(STORED)) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, crawlId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                counts.put("pages", rs.getLong(1));
                counts.put("images", rs.getLong(2));
                counts.put("ocr", rs.getLong(3));
                counts.put("ocrFailed", rs.getLong(4));
            }
        }
        return counts;
    }

    private CrawlCounts() {
    }
}
