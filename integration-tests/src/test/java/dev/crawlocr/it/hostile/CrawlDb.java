package dev.crawlocr.it.hostile;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only queries on one crawl's rows in the writer's database (tables pages, images, ocr_results, fetch_errors,
 * urls), as the test asserts them. One connection; not thread-safe.
 */
final class CrawlDb implements AutoCloseable {

    record Page(String status, String reason, int httpStatus, boolean truncated, long bytes, int outlinks, String title,
                String text, String redirectTo, int depth) {
    }

    record Image(String status, String reason, int httpStatus, String contentHash, long bytes) {
    }

    record Ocr(String status, String reason, String text) {
    }

    private final Connection db;
    private final String crawlId;

    CrawlDb(String jdbcUrl, String user, String password, String crawlId) throws SQLException {
        // PostgreSQL is shared with other suites that restart it (outage tests): wait for it rather than fail.
        this.db = org.awaitility.Awaitility.await("PostgreSQL connection").atMost(java.time.Duration.ofSeconds(60))
                .ignoreExceptions().until(() -> DriverManager.getConnection(jdbcUrl, user, password), c -> c != null);
        this.crawlId = crawlId;
    }

    /** The stored outcome of a page URL, or null when there is none. */
    Page page(String url) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT status, reason, http_status, truncated, bytes, outlink_count, title, text, redirect_to, depth
                FROM pages WHERE crawl_id = ? AND url = ?""")) {
            ps.setString(1, crawlId);
            ps.setString(2, url);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Page(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getBoolean(4), rs.getLong(5), rs.getInt(6),
                        rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10)) : null;
            }
        }
    }

    Image image(String url) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT status, reason, http_status, content_hash, bytes FROM images WHERE crawl_id = ? AND url = ?")) {
            ps.setString(1, crawlId);
            ps.setString(2, url);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Image(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5)) : null;
            }
        }
    }

    Ocr ocr(String contentHash) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT status, reason, text FROM ocr_results WHERE crawl_id = ? AND content_hash = ?")) {
            ps.setString(1, crawlId);
            ps.setString(2, contentHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Ocr(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
            }
        }
    }

    /** Reasons of the failed attempts recorded for a URL, oldest first. */
    List<String> errorReasons(String url) throws SQLException {
        return strings("SELECT status || ': ' || reason FROM fetch_errors WHERE crawl_id = ? AND url = ? ORDER BY fetched_at", url);
    }

    /** The registry status of a URL (urls.status), or null when it was never registered. */
    String urlStatus(String url) throws SQLException {
        List<String> s = strings("SELECT status FROM urls WHERE crawl_id = ? AND url = ?", url);
        return s.isEmpty() ? null : s.get(0);
    }

    /** Registered URLs starting with {@code prefix}. */
    List<String> urlsLike(String prefix) throws SQLException {
        return strings("SELECT url FROM urls WHERE crawl_id = ? AND starts_with(url, ?) ORDER BY url", prefix);
    }

    long count(String sqlWithCrawlFirst, String arg) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sqlWithCrawlFirst)) {
            ps.setString(1, crawlId);
            ps.setString(2, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    List<String> strings(String sqlWithCrawlFirst, String arg) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sqlWithCrawlFirst)) {
            ps.setString(1, crawlId);
            ps.setString(2, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
