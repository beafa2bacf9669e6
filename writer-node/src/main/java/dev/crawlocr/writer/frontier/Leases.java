package dev.crawlocr.writer.frontier;

import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.writer.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leases due URLs in one transaction. Due means {@code next_fetch_at <= now()} in a RUNNING crawl: new URLs,
 * URLs whose lease expired (while LEASED, next_fetch_at is the lease end), retries and recrawls. A round reads
 * each running crawl's oldest due URLs (a window of {@code 20 x batch} shared among the crawls, at least
 * {@code batch} each) without locking them, keeps at most {@code perHost} per host, skips hosts that already have
 * {@code hostLeased} unexpired leases, takes {@code batch} in all by turns (each crawl's first, then each crawl's
 * second...), so no crawl's backlog holds up another's, and locks only those ({@code FOR UPDATE SKIP LOCKED},
 * re-checking that they are still due), so several writers never lease one URL twice and a round dirties only the
 * rows it leases.
 *
 * <p>Crawls with page caps or a request budget are locked first ({@code FOR UPDATE} on their {@code crawls} row,
 * in id order), so the writers lease their URLs one round at a time and each round sees the others' leases;
 * {@link CrawlLimits} then decides each URL: leased, refused (returned as a DENIED outcome, leased so that no round
 * takes it again before the outcome is recorded), or left to wait ({@value #WAIT_SECONDS} s, so that it leaves the
 * head of the queue). Known limit: within one crawl, a host with a backlog older than other hosts' URLs fills much of
 * the crawl's window, so its other hosts wait for it.
 */
public final class Leases {
    static final int WAIT_SECONDS = 2;

    private static final String LIMITED_CRAWLS = """
            SELECT id, max_pages, max_pages_per_host, max_requests FROM (
                SELECT id, coalesce((scope->>'maxPages')::bigint, 0) AS max_pages,
                       coalesce((scope->>'maxPagesPerHost')::bigint, 0) AS max_pages_per_host,
                       coalesce((politeness->>'maxRequestsTotal')::bigint, 0) AS max_requests
                FROM crawls WHERE state = 'RUNNING') c
            WHERE max_pages > 0 OR max_pages_per_host > 0 OR max_requests > 0
            ORDER BY id
            FOR UPDATE""";

    private static final String DUE = """
            WITH cand AS (
                SELECT d.* FROM crawls c CROSS JOIN LATERAL (
                    SELECT u.crawl_id, u.url_hash, u.host, u.next_fetch_at
                    FROM urls u
                    WHERE u.crawl_id = c.id AND u.next_fetch_at <= now() AND (? OR u.status <> 'LEASED')
                    ORDER BY u.next_fetch_at
                    LIMIT ?) d
                WHERE c.state = 'RUNNING'
            ), busy AS (
                SELECT u.crawl_id, u.host, count(*) AS leased
                FROM urls u
                WHERE u.status = 'LEASED' AND u.next_fetch_at > now()
                  AND (u.crawl_id, u.host) IN (SELECT crawl_id, host FROM cand)
                GROUP BY u.crawl_id, u.host
            ), chosen AS (
                SELECT e.crawl_id, e.url_hash FROM (
                    SELECT r.crawl_id, r.url_hash, r.next_fetch_at,
                           row_number() OVER (PARTITION BY r.crawl_id ORDER BY r.next_fetch_at) AS turn
                    FROM (SELECT cand.*, row_number() OVER (PARTITION BY crawl_id, host ORDER BY next_fetch_at) AS rn FROM cand) r
                    LEFT JOIN busy b ON b.crawl_id = r.crawl_id AND b.host = r.host
                    WHERE r.rn <= ? AND r.rn + coalesce(b.leased, 0) <= ?
                ) e
                ORDER BY e.turn, e.next_fetch_at
                LIMIT ?
            )
            SELECT u.crawl_id, u.url_hash, u.url, u.host, u.kind, u.depth, u.attempts, u.status
            FROM urls u JOIN chosen ch ON u.crawl_id = ch.crawl_id AND u.url_hash = ch.url_hash
            WHERE u.next_fetch_at <= now()
            ORDER BY u.next_fetch_at
            FOR UPDATE OF u SKIP LOCKED""";

    private static final String RUNNING = "SELECT count(*) FROM crawls WHERE state = 'RUNNING'";

    private static final String CRAWL_USAGE = """
            SELECT crawl_id,
                   count(*) FILTER (WHERE kind = 'PAGE' AND status IN ('LEASED', 'FETCHED', 'FETCH_ERROR')
                                      AND (status <> 'FETCH_ERROR' OR next_fetch_at IS NOT NULL)),
                   count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED'),
                   coalesce(sum(requests_charged), 0),
                   count(*) FILTER (WHERE requests_charged > 0 AND status = 'LEASED' AND next_fetch_at > now())
            FROM urls
            WHERE crawl_id = ANY (?)
              AND ((kind = 'PAGE' AND status IN ('LEASED', 'FETCHED', 'FETCH_ERROR')) OR requests_charged > 0)
            GROUP BY crawl_id""";

    private static final String HOST_PAGES = """
            SELECT u.crawl_id, u.host, count(*) FILTER (WHERE u.status <> 'FETCH_ERROR' OR u.next_fetch_at IS NOT NULL),
                   count(*) FILTER (WHERE u.status = 'FETCHED')
            FROM urls u JOIN unnest(?::text[], ?::text[]) AS k(crawl_id, host) ON u.crawl_id = k.crawl_id AND u.host = k.host
            WHERE u.kind = 'PAGE' AND u.status IN ('LEASED', 'FETCHED', 'FETCH_ERROR')
            GROUP BY u.crawl_id, u.host""";

    private static final String LEASE = """
            UPDATE urls SET status = 'LEASED', attempts = attempts + 1, lease_until = ?, next_fetch_at = ?,
                            requests_charged = requests_charged + ?
            WHERE crawl_id = ? AND url_hash = ?""";

    private static final String WAIT = "UPDATE urls SET next_fetch_at = now() + interval '" + WAIT_SECONDS
            + " seconds' WHERE crawl_id = ? AND url_hash = ?";

    /**
     * One round: the tasks to emit, the URLs refused by page caps or the request budget (DENIED outcomes to
     * record), how many tasks were re-emits after an expired lease, and how many URLs were left to wait.
     */
    public record Round(List<FetchTask> tasks, List<FetchResult> denied, int expired, int waiting) {
    }

    private record Due(String crawlId, byte[] urlHash, String url, String host, UrlKind kind, int depth, int attempts,
                       String status) {

        /** A page that holds no place under the page caps yet. */
        boolean newPage() {
            return kind == UrlKind.PAGE && !status.equals("LEASED") && !status.equals("FETCHED") && !status.equals("FETCH_ERROR");
        }
    }

    private final Database db;

    public Leases(Database db) {
        this.db = db;
    }

    /**
     * @param batch      URLs leased in this round at most
     * @param perHost    URLs of one host leased in this round at most
     * @param hostLeased URLs of one host leased and not yet expired at most (those of earlier rounds count), so a
     *                   slow, polite host never has more URLs waiting at a fetcher than it can fetch in a lease
     * @param lease      how long the fetcher has for each URL
     */
    public Round lease(int batch, int perHost, int hostLeased, Duration lease) throws SQLException {
        return lease(batch, perHost, hostLeased, lease, true);
    }

    /**
     * @param reclaimExpired whether URLs whose lease expired are leased again in this round; the scheduler holds
     *                       them back while outcomes wait unrecorded on {@code crawl.pages}, since those outcomes
     *                       may well be theirs
     */
    public Round lease(int batch, int perHost, int hostLeased, Duration lease, boolean reclaimExpired) throws SQLException {
        long until = Instant.now().plus(lease).toEpochMilli();
        OffsetDateTime untilTs = OffsetDateTime.ofInstant(Instant.ofEpochMilli(until), ZoneOffset.UTC);
        return db.inTransaction("lease", c -> {
            Map<String, CrawlLimits.Limits> limits = limitedCrawls(c);
            List<Due> due = due(c, batch, perHost, hostLeased, reclaimExpired);
            CrawlLimits decisions = limits.isEmpty() ? new CrawlLimits(Map.of(), Map.of(), Map.of()) : usage(c, limits, due);
            List<FetchTask> tasks = new ArrayList<>();
            List<FetchResult> denied = new ArrayList<>();
            int expired = 0;
            int waiting = 0;
            try (PreparedStatement leasePs = c.prepareStatement(LEASE); PreparedStatement waitPs = c.prepareStatement(WAIT)) {
                for (Due d : due) {
                    CrawlLimits.Decision decision = decisions.decide(d.crawlId, d.host, d.newPage());
                    if (decision instanceof CrawlLimits.Wait) {
                        waitPs.setString(1, d.crawlId);
                        waitPs.setBytes(2, d.urlHash);
                        waitPs.addBatch();
                        waiting++;
                        continue;
                    }
                    int allowance = decision instanceof CrawlLimits.Lease l ? l.maxRequests() : 0;
                    leasePs.setObject(1, untilTs);
                    leasePs.setObject(2, untilTs);
                    leasePs.setInt(3, allowance);
                    leasePs.setString(4, d.crawlId);
                    leasePs.setBytes(5, d.urlHash);
                    leasePs.addBatch();
                    FetchTask task = new FetchTask(FetchTask.SCHEMA, d.crawlId, d.url, d.host, d.kind, d.depth, d.attempts + 1, until,
                            allowance);
                    if (decision instanceof CrawlLimits.Deny deny) {
                        denied.add(FetchResult.failure(task, FetchStatus.DENIED, 0, deny.reason(), null, 0));
                    } else {
                        tasks.add(task);
                        expired += d.status.equals("LEASED") ? 1 : 0;
                    }
                }
                leasePs.executeBatch();
                waitPs.executeBatch();
            }
            return new Round(tasks, denied, expired, waiting);
        });
    }

    private static Map<String, CrawlLimits.Limits> limitedCrawls(Connection c) throws SQLException {
        Map<String, CrawlLimits.Limits> limits = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LIMITED_CRAWLS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                limits.put(rs.getString(1), new CrawlLimits.Limits(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return limits;
    }

    private static List<Due> due(Connection c, int batch, int perHost, int hostLeased, boolean reclaimExpired) throws SQLException {
        List<Due> due = new ArrayList<>();
        int running;
        try (PreparedStatement ps = c.prepareStatement(RUNNING); ResultSet rs = ps.executeQuery()) {
            rs.next();
            running = Math.max(1, rs.getInt(1));
        }
        try (PreparedStatement ps = c.prepareStatement(DUE)) {
            ps.setBoolean(1, reclaimExpired);
            ps.setInt(2, Math.max(batch, Math.max(batch * 20, 1000) / running));
            ps.setInt(3, perHost);
            ps.setInt(4, hostLeased);
            ps.setInt(5, batch);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getString(1), rs.getBytes(2), rs.getString(3), rs.getString(4), UrlKind.valueOf(rs.getString(5)),
                            rs.getInt(6), rs.getInt(7), rs.getString(8)));
                }
            }
        }
        return due;
    }

    /** The usage of the limited crawls among {@code due}, read under their row locks. */
    private static CrawlLimits usage(Connection c, Map<String, CrawlLimits.Limits> limits, List<Due> due) throws SQLException {
        Set<String> crawls = new HashSet<>();
        Set<List<String>> hosts = new LinkedHashSet<>();
        for (Due d : due) {
            CrawlLimits.Limits l = limits.get(d.crawlId);
            if (l != null) {
                crawls.add(d.crawlId);
                if (l.maxPagesPerHost() > 0 && d.newPage()) {
                    hosts.add(List.of(d.crawlId, d.host));
                }
            }
        }
        Map<String, CrawlLimits.Usage> usage = new HashMap<>();
        Map<String, CrawlLimits.HostUsage> hostUsage = new HashMap<>();
        if (crawls.isEmpty()) {
            return new CrawlLimits(limits, usage, hostUsage);
        }
        try (PreparedStatement ps = c.prepareStatement(CRAWL_USAGE)) {
            ps.setArray(1, c.createArrayOf("text", crawls.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    usage.put(rs.getString(1), new CrawlLimits.Usage(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        if (!hosts.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(HOST_PAGES)) {
                ps.setArray(1, c.createArrayOf("text", hosts.stream().map(h -> h.get(0)).toArray()));
                ps.setArray(2, c.createArrayOf("text", hosts.stream().map(h -> h.get(1)).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        hostUsage.put(CrawlLimits.hostKey(rs.getString(1), rs.getString(2)),
                                new CrawlLimits.HostUsage(rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
        }
        return new CrawlLimits(limits, usage, hostUsage);
    }
}
