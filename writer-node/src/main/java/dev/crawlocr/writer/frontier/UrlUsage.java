package dev.crawlocr.writer.frontier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What crawls have used of their page caps and request budgets, read from {@code url_usage}: the rows the
 * database adds for every change to {@code urls} (see migration V7), so a read costs the crawl's hosts, not its
 * URLs. {@link #fold} keeps the table small by summing each crawl's rows into one per host.
 */
final class UrlUsage {
    /** A crawl's rows are folded once they outnumber its hosts twice over plus this many. */
    static final int FOLD_SLACK = 1000;

    private static final String CRAWLS = """
            SELECT crawl_id, sum(page_slots), sum(pages_fetched), sum(requests_charged)
            FROM url_usage WHERE crawl_id = ANY (?) GROUP BY crawl_id""";

    private static final String HOSTS = """
            SELECT u.crawl_id, u.host, sum(u.page_slots), sum(u.pages_fetched)
            FROM url_usage u JOIN unnest(?::text[], ?::text[]) AS k(crawl_id, host) ON u.crawl_id = k.crawl_id AND u.host = k.host
            GROUP BY u.crawl_id, u.host""";

    /** Charged leases of a crawl not yet expired: requests that may still come back to its budget. */
    private static final String LEASES_OUT = """
            SELECT count(*) FROM urls
            WHERE crawl_id = ? AND status = 'LEASED' AND requests_charged > 0 AND next_fetch_at > now()""";

    private static final String CRAWLS_TO_FOLD = """
            SELECT crawl_id FROM url_usage GROUP BY crawl_id HAVING count(*) > 2 * count(DISTINCT host) + ?""";

    /**
     * One row per host in place of the crawl's rows. Rows added meanwhile by other transactions are not in this
     * statement's snapshot and stay as they are, so a concurrent fold never counts a row twice.
     */
    private static final String FOLD = """
            WITH folded AS (DELETE FROM url_usage WHERE crawl_id = ? RETURNING *)
            INSERT INTO url_usage
            SELECT crawl_id, host, sum(page_slots), sum(pages_fetched), sum(requests_charged) FROM folded
            GROUP BY crawl_id, host
            HAVING sum(page_slots) <> 0 OR sum(pages_fetched) <> 0 OR sum(requests_charged) <> 0""";

    private UrlUsage() {
    }

    /**
     * The usage of {@code crawls}, and of the (crawl, host) pairs in {@code hosts}, as decisions for this round.
     * A crawl whose budget is charged in full also gets its count of charged leases still out.
     */
    static CrawlLimits read(Connection c, Map<String, CrawlLimits.Limits> limits, Collection<String> crawls, Collection<List<String>> hosts)
            throws SQLException {
        Map<String, CrawlLimits.Usage> usage = new HashMap<>();
        Map<String, CrawlLimits.HostUsage> hostUsage = new HashMap<>();
        if (crawls.isEmpty()) {
            return new CrawlLimits(limits, usage, hostUsage);
        }
        try (PreparedStatement ps = c.prepareStatement(CRAWLS)) {
            ps.setArray(1, c.createArrayOf("text", crawls.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String crawl = rs.getString(1);
                    long charged = rs.getLong(4);
                    long maxRequests = limits.get(crawl).maxRequests();
                    long out = maxRequests > 0 && charged >= maxRequests ? leasesOut(c, crawl) : 0;
                    usage.put(crawl, new CrawlLimits.Usage(rs.getLong(2), rs.getLong(3), charged, out));
                }
            }
        }
        if (!hosts.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(HOSTS)) {
                ps.setArray(1, c.createArrayOf("text", hosts.stream().map(h -> h.get(0)).toArray()));
                ps.setArray(2, c.createArrayOf("text", hosts.stream().map(h -> h.get(1)).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        hostUsage.put(CrawlLimits.hostKey(rs.getString(1), rs.getString(2)), new CrawlLimits.HostUsage(rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
        }
        return new CrawlLimits(limits, usage, hostUsage);
    }

    private static long leasesOut(Connection c, String crawl) throws SQLException {
        return count(c, LEASES_OUT, crawl);
    }

    /** The one number {@code sql} counts for {@code crawlId}, its one parameter. */
    static long count(Connection c, String sql, String crawlId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, crawlId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Folds the rows of every crawl that has many more than one per host; returns how many crawls were folded. */
    static int fold(Connection c) throws SQLException {
        List<String> crawls = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CRAWLS_TO_FOLD)) {
            ps.setInt(1, FOLD_SLACK);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    crawls.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(FOLD)) {
            for (String crawl : crawls) {
                ps.setString(1, crawl);
                ps.executeUpdate();
            }
        }
        return crawls.size();
    }
}
