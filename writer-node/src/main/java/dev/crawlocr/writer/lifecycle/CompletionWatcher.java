package dev.crawlocr.writer.lifecycle;

import dev.crawlocr.common.Retries;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.writer.db.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks crawls finished, and recrawl cycles complete, each on its own evidence in the database, so no other crawl's
 * backlog, slow hosts or lag can delay it. A RUNNING crawl without a recrawl interval is complete when it has URLs and
 * <ul>
 *   <li>none of them is QUEUED, LEASED or waiting for a retry (an outcome on its way keeps its URL LEASED);</li>
 *   <li>every fetch's links are registered: no URL's outcome counts more link records than the registry noted for
 *       that fetch (the links travel apart from the outcome, on {@code crawl.discovered});</li>
 *   <li>every fetched image, and every fetched PDF (a page of content type {@code application/pdf}), has an OCR
 *       result (OK or FAILED);</li>
 *   <li>a crawl whose URLs come as a list has all of it registered: every record of the list noted.</li>
 * </ul>
 * The check and the change to FINISHED are one statement ({@code UPDATE ... WHERE state = 'RUNNING' AND <complete>
 * RETURNING}), so it sees one snapshot and exactly one writer finishes a crawl; that writer then publishes a
 * COMPLETED {@link CrawlEvent} with its {@link CrawlCounts} to {@code crawl.events}. Checks run every
 * {@code interval} ({@link #run()}, on the node's own thread), and soon after {@link #wake()}: the sinks call it when
 * they have stored rows that may complete a crawl, so the event follows the last row at once rather than up to an
 * interval later; checks are at least {@value #MIN_GAP_MS} ms apart, however often rows are stored. An event whose
 * publication failed is sent again later.
 *
 * <p>A crawl with a recrawl interval never finishes; it completes cycles. Its current cycle is complete on the same
 * evidence, and when no URL's last outcome is from an earlier cycle. In one statement the crawl's cycle is then
 * advanced and the completed cycle's counts are kept in {@code crawl_cycles}: of its URLs, how many were new,
 * changed, unchanged, gone or failed. Every URL is due again its interval after its last fetch (at once if that has
 * passed), and a CYCLE_COMPLETED event with those counts goes to {@code crawl.events}.
 */
public final class CompletionWatcher {
    private static final Logger log = LoggerFactory.getLogger(CompletionWatcher.class);

    /** True for crawl {@code c} when it is complete; see the class comment. */
    private static final String COMPLETE = """
            EXISTS (SELECT 1 FROM urls u WHERE u.crawl_id = c.id)
            AND c.list_records >= 0 AND (SELECT count(*) FROM url_list_parts p WHERE p.crawl_id = c.id) >= c.list_records
            AND NOT EXISTS (SELECT 1 FROM urls u WHERE u.crawl_id = c.id
                            AND (u.status IN ('QUEUED', 'LEASED') OR (u.status = 'FETCH_ERROR' AND u.next_fetch_at IS NOT NULL)))
            AND NOT EXISTS (SELECT 1 FROM urls u WHERE u.crawl_id = c.id AND u.link_records > 0
                            AND u.link_records > (SELECT count(*) FROM link_records l
                                                  WHERE l.crawl_id = u.crawl_id AND l.url_hash = u.url_hash AND l.fetched_at = u.fetched_at))
            AND NOT EXISTS (SELECT 1 FROM images i WHERE i.crawl_id = c.id AND i.status = 'FETCHED'
                            AND NOT EXISTS (SELECT 1 FROM ocr_results o WHERE o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash))
            AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.crawl_id = c.id AND p.content_type = 'application/pdf' AND p.status = 'FETCHED'
                            AND NOT EXISTS (SELECT 1 FROM ocr_results o WHERE o.crawl_id = p.crawl_id AND o.content_hash = p.content_hash))""";
    private static final String FINISH = "UPDATE crawls c SET state = 'FINISHED', finished_at = now()\n"
            + "WHERE c.state = 'RUNNING' AND c.recrawl_interval_s = 0 AND " + COMPLETE + "\nRETURNING c.id";
    /** Advances every recrawling crawl whose cycle is complete; returns the crawl and the cycle completed. */
    private static final String NEXT_CYCLE = "UPDATE crawls c SET cycle = c.cycle + 1\n"
            + "WHERE c.state = 'RUNNING' AND c.recrawl_interval_s > 0 AND " + COMPLETE
            + "\nAND NOT EXISTS (SELECT 1 FROM urls u WHERE u.crawl_id = c.id AND u.cycle < c.cycle)"
            + "\nRETURNING c.id, c.cycle - 1";
    /** The completed cycle's counts, from its URLs' last outcomes (all of them in that cycle now). */
    private static final String CYCLE_COUNTS = """
            INSERT INTO crawl_cycles (crawl_id, cycle, started_at, completed_at, urls, new, changed, unchanged, gone, failed)
            SELECT c.id, p.cycle, coalesce((SELECT completed_at FROM crawl_cycles b WHERE b.crawl_id = c.id AND b.cycle = p.cycle - 1),
                                  c.created_at),
                   now(), count(*),
                   count(*) FILTER (WHERE u.change = 'new'), count(*) FILTER (WHERE u.change = 'changed'),
                   count(*) FILTER (WHERE u.change = 'unchanged'), count(*) FILTER (WHERE u.change = 'gone'),
                   count(*) FILTER (WHERE u.change IS NULL AND u.status IN ('FETCH_ERROR', 'ERROR'))
            FROM crawls c CROSS JOIN (SELECT ?::int AS cycle) p JOIN urls u ON u.crawl_id = c.id
            WHERE c.id = ?
            GROUP BY c.id, p.cycle
            ON CONFLICT DO NOTHING
            RETURNING urls, new, changed, unchanged, gone, failed""";
    /** Every URL of a crawl whose cycle just advanced is due its interval after its last fetch. */
    private static final String RESCHEDULE = """
            UPDATE urls u SET next_fetch_at = greatest(coalesce(u.fetched_at, now()) + c.recrawl_interval_s * interval '1 second', now()),
                              attempts = 0
            FROM crawls c
            WHERE c.id = ? AND u.crawl_id = c.id AND u.status NOT IN ('QUEUED', 'LEASED')""";
    private static final String CYCLE_UNSENT = """
            SELECT crawl_id, cycle FROM crawl_cycles WHERE sent_at IS NULL AND completed_at < now() - interval '1 minute'""";
    private static final String CYCLE_OF = "SELECT urls, new, changed, unchanged, gone, failed FROM crawl_cycles WHERE crawl_id = ? AND cycle = ?";
    private static final String CYCLE_SENT = "UPDATE crawl_cycles SET sent_at = now() WHERE crawl_id = ? AND cycle = ?";
    private static final String UNSENT = """
            SELECT id FROM crawls WHERE state = 'FINISHED' AND completion_sent_at IS NULL AND finished_at < now() - interval '1 minute'""";
    private static final String SENT = "UPDATE crawls SET completion_sent_at = now() WHERE id = ?";

    static final long MIN_GAP_MS = 100;

    private final Database db;
    private final Producer<byte[], byte[]> producer;
    private final Semaphore wakeups = new Semaphore(0);
    private final Duration interval;
    private final Counter completed;
    private final Counter cycles;

    public CompletionWatcher(Database db, Producer<byte[], byte[]> producer, Duration interval, MeterRegistry metrics) {
        this.db = db;
        this.producer = producer;
        this.interval = interval;
        this.completed = Counter.builder("writer.crawls.completed").description("Crawls marked finished by this writer").register(metrics);
        this.cycles = Counter.builder("writer.crawls.cycles").description("Recrawl cycles marked complete by this writer").register(metrics);
    }

    /** Asks for a check soon: rows that may complete a crawl were stored. Cheap and thread-safe. */
    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    /**
     * Checks every {@code interval}, and after {@link #wake()}, until the thread is interrupted; a failed check is
     * tried again after a back-off.
     */
    public void run() throws Exception {
        Duration retry = interval.compareTo(Duration.ofSeconds(2)) > 0 ? interval : Duration.ofSeconds(2);
        while (!Thread.currentThread().isInterrupted()) {
            long started = System.nanoTime();
            Retries.untilDone("Completion check", retry, Duration.ofSeconds(30), () -> {
                check();
                resendUnsent();
                return null;
            });
            if (wakeups.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                wakeups.drainPermits();
                long sinceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                if (sinceMs < MIN_GAP_MS) {
                    Thread.sleep(MIN_GAP_MS - sinceMs);
                }
            }
        }
    }

    /** Finishes every complete crawl and completes every complete recrawl cycle, and publishes each. */
    void check() throws Exception {
        Map<String, Map<String, Long>> finished = db.inTransaction("completion-finish", c -> {
            Map<String, Map<String, Long>> done = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(FINISH); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.put(rs.getString(1), null);
                }
            }
            for (String crawlId : done.keySet()) {
                done.put(crawlId, CrawlCounts.of(c, crawlId));
            }
            return done;
        });
        for (var e : finished.entrySet()) {
            completed.increment();
            log.info("Crawl {} completed: {}", e.getKey(), e.getValue());
            publish(e.getKey(), e.getValue());
        }
        for (Cycle cycle : db.inTransaction("completion-cycle", this::nextCycles)) {
            cycles.increment();
            log.info("Crawl {} completed recrawl cycle {}: {}", cycle.crawlId(), cycle.number(), cycle.counts());
            publishCycle(cycle);
        }
    }

    /** A completed recrawl cycle and its counts. */
    private record Cycle(String crawlId, int number, Map<String, Long> counts) {
    }

    private List<Cycle> nextCycles(Connection c) throws SQLException {
        Map<String, Integer> advanced = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(NEXT_CYCLE); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                advanced.put(rs.getString(1), rs.getInt(2));
            }
        }
        List<Cycle> done = new ArrayList<>();
        for (var e : advanced.entrySet()) {
            Map<String, Long> counts = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(CYCLE_COUNTS)) {
                ps.setInt(1, e.getValue());
                ps.setString(2, e.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        cycleCounts(counts, e.getValue(), rs);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(RESCHEDULE)) {
                ps.setString(1, e.getKey());
                ps.executeUpdate();
            }
            counts.putAll(CrawlCounts.of(c, e.getKey()));
            done.add(new Cycle(e.getKey(), e.getValue(), counts));
        }
        return done;
    }

    /** A cycle's number and counts ({@code urls, new, changed, unchanged, gone, failed}) from a row of {@code crawl_cycles}. */
    private static void cycleCounts(Map<String, Long> counts, int cycle, ResultSet rs) throws SQLException {
        counts.put("cycle", (long) cycle);
        counts.put("cycleUrls", rs.getLong("urls"));
        for (String k : List.of("new", "changed", "unchanged", "gone", "failed")) {
            counts.put(k, rs.getLong(k));
        }
    }

    private void publish(String crawlId, Map<String, Long> counts) throws Exception {
        send(new CrawlEvent(CrawlEvent.SCHEMA, crawlId, CrawlEvent.Type.COMPLETED, System.currentTimeMillis(), counts));
        db.inTransaction("completion-sent", c -> {
            try (PreparedStatement ps = c.prepareStatement(SENT)) {
                ps.setString(1, crawlId);
                return ps.executeUpdate();
            }
        });
    }

    private void publishCycle(Cycle cycle) throws Exception {
        send(new CrawlEvent(CrawlEvent.SCHEMA, cycle.crawlId(), CrawlEvent.Type.CYCLE_COMPLETED, System.currentTimeMillis(), cycle.counts()));
        db.inTransaction("cycle-sent", c -> {
            try (PreparedStatement ps = c.prepareStatement(CYCLE_SENT)) {
                ps.setString(1, cycle.crawlId());
                ps.setInt(2, cycle.number());
                return ps.executeUpdate();
            }
        });
    }

    private void send(CrawlEvent event) throws Exception {
        Clients.send(producer, Topics.EVENTS, event.crawlId().getBytes(StandardCharsets.UTF_8), Json.encode(event), null).get(60, TimeUnit.SECONDS);
    }

    private void resendUnsent() throws Exception {
        List<String> unsent = db.inTransaction("completion-unsent", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(UNSENT); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
        for (String crawlId : unsent) {
            Map<String, Long> counts = db.inTransaction("completion-counts", c -> CrawlCounts.of(c, crawlId));
            log.info("Publishing the completion of crawl {} again", crawlId);
            publish(crawlId, counts);
        }
        List<Cycle> unsentCycles = db.inTransaction("cycle-unsent", c -> {
            List<Cycle> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(CYCLE_UNSENT); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Cycle(rs.getString(1), rs.getInt(2), null));
                }
            }
            List<Cycle> cycles = new ArrayList<>();
            for (Cycle u : found) {
                Map<String, Long> counts = new LinkedHashMap<>();
                try (PreparedStatement ps = c.prepareStatement(CYCLE_OF)) {
                    ps.setString(1, u.crawlId());
                    ps.setInt(2, u.number());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        cycleCounts(counts, u.number(), rs);
                    }
                }
                counts.putAll(CrawlCounts.of(c, u.crawlId()));
                cycles.add(new Cycle(u.crawlId(), u.number(), counts));
            }
            return cycles;
        });
        for (Cycle cycle : unsentCycles) {
            log.info("Publishing the completion of cycle {} of crawl {} again", cycle.number(), cycle.crawlId());
            publishCycle(cycle);
        }
    }
}
