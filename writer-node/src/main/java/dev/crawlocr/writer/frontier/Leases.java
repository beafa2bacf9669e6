package dev.crawlocr.writer.frontier;

import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.writer.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Leases due URLs in one transaction. Due means {@code next_fetch_at <= now()} in a RUNNING crawl: new URLs,
 * URLs whose lease expired (while LEASED, next_fetch_at is the lease end), retries and recrawls. A round reads
 * the oldest {@code 20 x batch} due URLs without locking them, keeps at most {@code perHost} per host and
 * {@code batch} in all, skips hosts that already have {@code hostLeased} unexpired leases, and locks only those ({@code FOR UPDATE SKIP LOCKED}, re-checking that they are still
 * due), so several writers never lease one URL twice and a round dirties only the rows it leases. Known limit:
 * a host with a backlog older than other hosts' URLs fills much of the window, so other hosts wait for it.
 */
public final class Leases {

    private static final String LEASE = """
            WITH cand AS (
                SELECT u.crawl_id, u.url_hash, u.host, u.next_fetch_at
                FROM urls u
                WHERE u.next_fetch_at <= now() AND (? OR u.status <> 'LEASED')
                  AND u.crawl_id IN (SELECT id FROM crawls WHERE state = 'RUNNING')
                ORDER BY u.next_fetch_at
                LIMIT ?
            ), busy AS (
                SELECT u.crawl_id, u.host, count(*) AS leased
                FROM urls u
                WHERE u.status = 'LEASED' AND u.next_fetch_at > now()
                  AND (u.crawl_id, u.host) IN (SELECT crawl_id, host FROM cand)
                GROUP BY u.crawl_id, u.host
            ), chosen AS (
                SELECT r.crawl_id, r.url_hash FROM (
                    SELECT cand.*, row_number() OVER (PARTITION BY crawl_id, host ORDER BY next_fetch_at) AS rn FROM cand
                ) r LEFT JOIN busy b ON b.crawl_id = r.crawl_id AND b.host = r.host
                WHERE r.rn <= ? AND r.rn + coalesce(b.leased, 0) <= ?
                ORDER BY r.next_fetch_at
                LIMIT ?
            ), locked AS (
                SELECT u.crawl_id, u.url_hash, u.status AS prev_status
                FROM urls u JOIN chosen ch ON u.crawl_id = ch.crawl_id AND u.url_hash = ch.url_hash
                WHERE u.next_fetch_at <= now()
                FOR UPDATE OF u SKIP LOCKED
            )
            UPDATE urls u SET status = 'LEASED', attempts = u.attempts + 1, lease_until = ?, next_fetch_at = ?
            FROM locked l
            WHERE u.crawl_id = l.crawl_id AND u.url_hash = l.url_hash
            RETURNING u.crawl_id, u.url, u.host, u.kind, u.depth, u.attempts, l.prev_status""";

    /** The tasks leased in one round, and how many of them were re-emits after an expired lease. */
    public record Round(List<FetchTask> tasks, int expired) {
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
            List<FetchTask> tasks = new ArrayList<>();
            int expired = 0;
            try (PreparedStatement ps = c.prepareStatement(LEASE)) {
                ps.setBoolean(1, reclaimExpired);
                ps.setInt(2, Math.max(batch * 20, 1000));
                ps.setInt(3, perHost);
                ps.setInt(4, hostLeased);
                ps.setInt(5, batch);
                ps.setObject(6, untilTs);
                ps.setObject(7, untilTs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tasks.add(new FetchTask(FetchTask.SCHEMA, rs.getString(1), rs.getString(2), rs.getString(3),
                                UrlKind.valueOf(rs.getString(4)), rs.getInt(5), rs.getInt(6), until));
                        if ("LEASED".equals(rs.getString(7))) {
                            expired++;
                        }
                    }
                }
            }
            return new Round(tasks, expired);
        });
    }
}
