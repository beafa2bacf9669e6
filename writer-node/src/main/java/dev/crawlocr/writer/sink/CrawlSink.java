package dev.crawlocr.writer.sink;

import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.writer.pipeline.BatchSink;
import dev.crawlocr.writer.registry.UrlRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Keeps the {@code crawls} table in step with {@code crawl.jobs}: one row per crawl id, latest job wins, except
 * that a FINISHED crawl stays finished. A running crawl's seeds are registered with its row. A STOPPED job stops
 * the scheduler for that crawl, releases its leases and takes its URLs out of the due index; a RUNNING job for a
 * stopped crawl makes them due again. A running crawl's seeds are due at once: the scheduler is woken after the
 * commit rather than at its next timed round. Tombstones are ignored.
 */
public final class CrawlSink implements BatchSink<CrawlJob> {

    private static final String UPSERT = """
            INSERT INTO crawls AS c (id, state, seeds, scope, politeness, ocr, recrawl_interval_s, created_at, request, list_records)
            VALUES (?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, ?)
            ON CONFLICT (id) DO UPDATE SET
                state = CASE WHEN c.state = 'FINISHED' THEN 'FINISHED' ELSE EXCLUDED.state END,
                seeds = EXCLUDED.seeds, scope = EXCLUDED.scope, politeness = EXCLUDED.politeness, ocr = EXCLUDED.ocr,
                recrawl_interval_s = EXCLUDED.recrawl_interval_s, request = EXCLUDED.request, list_records = EXCLUDED.list_records,
                updated_at = now()
            WHERE (c.state, c.seeds, c.scope, c.politeness, c.ocr, c.recrawl_interval_s, c.request, c.list_records)
                  IS DISTINCT FROM (EXCLUDED.state, EXCLUDED.seeds, EXCLUDED.scope, EXCLUDED.politeness, EXCLUDED.ocr,
                                    EXCLUDED.recrawl_interval_s, EXCLUDED.request, EXCLUDED.list_records)""";

    /**
     * A stopped crawl leaves the frontier: its leases end (their requests go back to its budget), URLs waiting for a
     * retry go back to QUEUED, and none of its URLs keeps a due time, so none is in the scheduler's due index.
     */
    private static final String PARK = """
            UPDATE urls SET status = CASE WHEN status IN ('LEASED', 'FETCH_ERROR') THEN 'QUEUED' ELSE status END,
                            requests_charged = CASE WHEN status = 'LEASED' THEN 0 ELSE requests_charged END,
                            lease_until = NULL, next_fetch_at = NULL
            WHERE crawl_id = ? AND next_fetch_at IS NOT NULL""";

    /**
     * A crawl started again: its parked URLs are due, and so are those its current recrawl cycle has not fetched yet,
     * if it is running (a FINISHED crawl stays finished).
     */
    private static final String RESUME = """
            UPDATE urls u SET next_fetch_at = now()
            FROM crawls c
            WHERE c.id = ? AND c.state = 'RUNNING' AND u.crawl_id = c.id AND (u.status = 'QUEUED' OR u.cycle < c.cycle)
              AND u.next_fetch_at IS NULL""";

    private final Runnable onRunning;
    private final Counter rows;

    /**
     * @param onRunning called after a commit that stored a running crawl: its seeds are due (wakes the scheduler), and
     *                  its URL list may be all registered (wakes the completion check)
     */
    public CrawlSink(Runnable onRunning, MeterRegistry metrics) {
        this.onRunning = onRunning;
        this.rows = Sql.rows(metrics, "crawls");
    }

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public CrawlJob decode(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? null : Json.decode(record.value(), CrawlJob.class);
    }

    @Override
    public void write(Connection c, List<CrawlJob> batch) throws SQLException {
        Map<String, CrawlJob> latest = new LinkedHashMap<>();
        batch.stream().filter(Objects::nonNull).forEach(j -> latest.put(j.crawlId(), j));
        if (latest.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (CrawlJob j : latest.values()) {
                ps.setString(1, j.crawlId());
                ps.setString(2, j.state().name());
                ps.setString(3, new String(Json.encode(j.seeds()), java.nio.charset.StandardCharsets.UTF_8));
                ps.setString(4, new String(Json.encode(j.scope()), java.nio.charset.StandardCharsets.UTF_8));
                ps.setString(5, new String(Json.encode(j.politeness()), java.nio.charset.StandardCharsets.UTF_8));
                ps.setString(6, new String(Json.encode(j.ocr()), java.nio.charset.StandardCharsets.UTF_8));
                ps.setLong(7, j.politeness().recrawlIntervalSeconds());
                ps.setObject(8, Sql.ts(j.createdAt().toEpochMilli()));
                ps.setString(9, new String(Json.encode(j.request()), java.nio.charset.StandardCharsets.UTF_8));
                ps.setInt(10, j.listRecords());
                ps.addBatch();
            }
            rows.increment(Sql.executeBatch(ps));
        }
        for (CrawlJob j : latest.values()) {
            if (j.state() == CrawlJob.State.RUNNING) {
                UrlRegistry.registerSeeds(c, j);
            }
            try (PreparedStatement ps = c.prepareStatement(j.state() == CrawlJob.State.STOPPED ? PARK : RESUME)) {
                ps.setString(1, j.crawlId());
                ps.executeUpdate();
            }
        }
    }

    @Override
    public void afterCommit(List<CrawlJob> batch) {
        if (batch.stream().anyMatch(j -> j != null && j.state() == CrawlJob.State.RUNNING)) {
            onRunning.run();
        }
    }
}
