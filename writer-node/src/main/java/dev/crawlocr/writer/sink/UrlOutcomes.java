package dev.crawlocr.writer.sink;

import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Applies fetch outcomes to the registry: sets the URL's status and last HTTP status, releases its lease and
 * decides when it is due again. FETCH_ERROR is retried after {@code retryDelay} until {@code maxAttempts}; a final
 * outcome is due again only when the crawl has a recrawl interval. A RETURNED outcome was not tried, for a reason
 * of the fetcher's own: if the URL is still leased by that task's lease (not a newer one, told apart by the lease end
 * the outcome echoes) it is QUEUED again, due after {@value #RETURN_DELAY_MS} ms, and the attempt its lease charged
 * is given back. The outcome's count of link
 * records is kept, so completion can wait for them. An older outcome never overwrites a newer one, so
 * replays change nothing. Non-fetched outcomes are also kept in {@code fetch_errors}. The requests a task was
 * allowed and did not send go back to the crawl's request budget. Rows are written in key order, so concurrent
 * writers cannot deadlock on them.
 */
final class UrlOutcomes {
    /** How long a returned URL waits before it is due again, so a fetcher that cannot take it is not asked in a loop. */
    static final long RETURN_DELAY_MS = 2_000;

    /**
     * What an outcome found, next to the URL's content before it ({@code u}); see {@code urls.change}. Only for an
     * outcome that was tried (not a RETURNED one).
     */
    private static final String CHANGE = """
            CASE WHEN EXCLUDED.status = 'FETCHED' AND EXCLUDED.last_http_status = 304 THEN 'unchanged'
                 WHEN EXCLUDED.status = 'FETCHED' AND EXCLUDED.content_hash IS NULL THEN NULL
                 WHEN EXCLUDED.status = 'FETCHED' THEN
                     CASE WHEN u.content_hash IS NULL THEN 'new'
                          WHEN u.content_hash = EXCLUDED.content_hash THEN 'unchanged' ELSE 'changed' END
                 WHEN EXCLUDED.status = 'ERROR' AND EXCLUDED.last_http_status IN (404, 410) AND u.content_hash IS NOT NULL THEN 'gone'
            END""";

    private static final String UPSERT_URL = """
            INSERT INTO urls AS u (crawl_id, url_hash, url, host, kind, depth, status, attempts, last_http_status, fetched_at,
                next_fetch_at, link_records, lease_until, content_hash, etag, last_modified, change, changed_at, cycle)
            VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce((SELECT cycle FROM crawls WHERE id = ?), 1))
            ON CONFLICT (crawl_id, url_hash) DO UPDATE SET
                status = CASE WHEN EXCLUDED.status = 'QUEUED' AND u.lease_until > EXCLUDED.lease_until
                              THEN 'LEASED' ELSE EXCLUDED.status END,
                attempts = CASE WHEN EXCLUDED.status = 'QUEUED' AND NOT u.lease_until > EXCLUDED.lease_until
                                THEN greatest(u.attempts - 1, 0) ELSE u.attempts END,
                last_http_status = EXCLUDED.last_http_status,
                fetched_at = EXCLUDED.fetched_at,
                lease_until = CASE WHEN EXCLUDED.status = 'QUEUED' AND u.lease_until > EXCLUDED.lease_until
                                   THEN u.lease_until END,
                next_fetch_at = CASE
                    WHEN EXCLUDED.status = 'QUEUED' THEN
                        CASE WHEN u.lease_until > EXCLUDED.lease_until THEN u.next_fetch_at ELSE EXCLUDED.next_fetch_at END
                    WHEN EXCLUDED.status = 'FETCH_ERROR' THEN
                        CASE WHEN u.attempts < ? THEN now() + ? * interval '1 millisecond' END
                END,
                requests_charged = greatest(u.requests_charged - ?, 0),
                link_records = EXCLUDED.link_records,
                cycle = CASE WHEN EXCLUDED.status = 'QUEUED' THEN u.cycle ELSE EXCLUDED.cycle END,
                change = CASE WHEN EXCLUDED.status = 'QUEUED' THEN u.change ELSE (%1$s) END,
                content_hash = CASE WHEN (%1$s) IN ('new', 'changed') THEN EXCLUDED.content_hash
                                    WHEN (%1$s) = 'gone' THEN NULL ELSE u.content_hash END,
                etag = CASE WHEN EXCLUDED.status = 'FETCHED' THEN EXCLUDED.etag
                            WHEN (%1$s) = 'gone' THEN NULL ELSE u.etag END,
                last_modified = CASE WHEN EXCLUDED.status = 'FETCHED' THEN EXCLUDED.last_modified
                                     WHEN (%1$s) = 'gone' THEN NULL ELSE u.last_modified END,
                changed_at = CASE WHEN (%1$s) IN ('new', 'changed') THEN EXCLUDED.fetched_at ELSE u.changed_at END,
                prev_content_hash = CASE WHEN (%1$s) IN ('changed', 'gone') THEN u.content_hash ELSE u.prev_content_hash END,
                prev_fetched_at = CASE WHEN (%1$s) IN ('changed', 'gone') THEN u.fetched_at ELSE u.prev_fetched_at END
            WHERE (u.fetched_at IS NULL OR u.fetched_at < EXCLUDED.fetched_at)
              AND (EXCLUDED.status <> 'QUEUED' OR u.status = 'LEASED')""".formatted(CHANGE);

    private static final String INSERT_ERROR = """
            INSERT INTO fetch_errors (crawl_id, url_hash, fetched_at, url, kind, status, reason, http_status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";

    private final int maxAttempts;
    private final Duration retryDelay;
    private final Counter urlRows;
    private final Counter errorRows;

    UrlOutcomes(int maxAttempts, Duration retryDelay, MeterRegistry metrics) {
        this.maxAttempts = maxAttempts;
        this.retryDelay = retryDelay;
        this.urlRows = Sql.rows(metrics, "urls");
        this.errorRows = Sql.rows(metrics, "fetch_errors");
    }

    /** The status a URL takes from this outcome: QUEUED when the fetcher returned it untried. */
    static String urlStatus(FetchResult r) {
        return r.status() == FetchStatus.RETURNED ? "QUEUED" : r.status().name();
    }

    void write(Connection c, List<FetchResultSink.Outcome> outcomes) throws SQLException {
        List<FetchResultSink.Outcome> ordered = outcomes.stream().sorted(Comparator.comparing(FetchResultSink.Outcome::key)).toList();
        boolean anyErrors = false;
        try (PreparedStatement ps = c.prepareStatement(UPSERT_URL)) {
            for (FetchResultSink.Outcome o : ordered) {
                FetchResult r = o.result();
                String status = urlStatus(r);
                ps.setString(1, r.crawlId());
                ps.setBytes(2, o.urlHash());
                Sql.setText(ps, 3, r.url());
                ps.setString(4, Urls.hostKey(r.url()).orElse(""));
                ps.setString(5, r.kind().name());
                ps.setInt(6, r.depth());
                ps.setString(7, status);
                ps.setInt(8, r.httpStatus());
                ps.setObject(9, Sql.ts(r.fetchedAtMs()));
                ps.setObject(10, status.equals("QUEUED") ? Sql.ts(System.currentTimeMillis() + RETURN_DELAY_MS) : null,
                        java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setInt(11, r.linkRecords());
                // a returned task's lease: the URL's row is requeued only while that lease, not a newer one, is out
                ps.setObject(12, status.equals("QUEUED") ? Sql.ts(r.leaseUntilMs()) : null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                boolean fetched = r.status() == FetchStatus.FETCHED;
                ps.setString(13, fetched ? r.contentHash() : null);
                ps.setString(14, fetched ? r.etag() : null);
                ps.setString(15, fetched ? r.lastModified() : null);
                ps.setString(16, fetched && r.contentHash() != null ? "new" : null);
                ps.setObject(17, fetched && r.contentHash() != null ? Sql.ts(r.fetchedAtMs()) : null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(18, r.crawlId());
                ps.setInt(19, maxAttempts);
                ps.setLong(20, retryDelay.toMillis());
                ps.setInt(21, Math.max(0, r.maxRequests() - r.requests()));
                ps.addBatch();
                anyErrors |= r.status() != FetchStatus.FETCHED && r.status() != FetchStatus.REDIRECT;
            }
            urlRows.increment(Sql.executeBatch(ps));
        }
        if (anyErrors) {
            writeErrors(c, ordered);
        }
    }

    private void writeErrors(Connection c, List<FetchResultSink.Outcome> outcomes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_ERROR)) {
            for (FetchResultSink.Outcome o : outcomes) {
                FetchResult r = o.result();
                if (r.status() == FetchStatus.FETCHED || r.status() == FetchStatus.REDIRECT) {
                    continue;
                }
                ps.setString(1, r.crawlId());
                ps.setBytes(2, o.urlHash());
                ps.setObject(3, Sql.ts(r.fetchedAtMs()));
                Sql.setText(ps, 4, r.url());
                ps.setString(5, r.kind().name());
                ps.setString(6, r.status().name());
                Sql.setText(ps, 7, r.reason());
                ps.setInt(8, r.httpStatus());
                ps.addBatch();
            }
            errorRows.increment(Sql.executeBatch(ps));
        }
    }
}
