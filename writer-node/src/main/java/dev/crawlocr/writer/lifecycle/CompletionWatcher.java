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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * Marks crawls finished, each on its own evidence in the database, so no other crawl's backlog, slow hosts or lag
 * can delay it. A RUNNING crawl without a recrawl interval is complete when it has URLs and
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
    private static final String UNSENT = """
            SELECT id FROM crawls WHERE state = 'FINISHED' AND completion_sent_at IS NULL AND finished_at < now() - interval '1 minute'""";
    private static final String SENT = "UPDATE crawls SET completion_sent_at = now() WHERE id = ?";

    static final long MIN_GAP_MS = 100;

    private final Database db;
    private final Producer<byte[], byte[]> producer;
    private final Semaphore wakeups = new Semaphore(0);
    private final Duration interval;
    private final Counter completed;

    public CompletionWatcher(Database db, Producer<byte[], byte[]> producer, Duration interval, MeterRegistry metrics) {
        this.db = db;
        this.producer = producer;
        this.interval = interval;
        this.completed = Counter.builder("writer.crawls.completed").description("Crawls marked finished by this writer").register(metrics);
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

    /** Finishes every complete crawl and publishes its completion. */
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
    }

    private void publish(String crawlId, Map<String, Long> counts) throws Exception {
        CrawlEvent event = new CrawlEvent(CrawlEvent.SCHEMA, crawlId, CrawlEvent.Type.COMPLETED, System.currentTimeMillis(), counts);
        Clients.send(producer, Topics.EVENTS, crawlId.getBytes(StandardCharsets.UTF_8), Json.encode(event), null).get(60, TimeUnit.SECONDS);
        db.inTransaction("completion-sent", c -> {
            try (PreparedStatement ps = c.prepareStatement(SENT)) {
                ps.setString(1, crawlId);
                return ps.executeUpdate();
            }
        });
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
    }
}
