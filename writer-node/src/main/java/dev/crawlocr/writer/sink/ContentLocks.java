package dev.crawlocr.writer.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Transaction-scoped advisory locks on (crawl, content hash). An image's fetch outcome and its OCR result arrive
 * on different topics and are written by different transactions, each copying format and dimensions from the
 * other's row; taking this lock first serializes the two, so the later one always sees the earlier one's row.
 * Locks are taken in one sorted order, so two batches cannot deadlock on them.
 */
final class ContentLocks {

    private static final String LOCK = """
            SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
            FROM unnest(?::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i""";

    static String key(String crawlId, String contentHash) {
        return crawlId + ':' + contentHash;
    }

    static void lock(Connection c, Collection<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setArray(1, c.createArrayOf("text", new TreeSet<>(keys).toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // each row is one lock taken, in key order
                }
            }
        }
    }

    private ContentLocks() {
    }
}
