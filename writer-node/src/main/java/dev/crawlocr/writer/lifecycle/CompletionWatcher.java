package dev.crawlocr.writer.lifecycle;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.writer.db.Database;
import dev.crawlocr.writer.frontier.ConsumerLag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks crawls finished. A RUNNING crawl without a recrawl interval is idle when it has URLs, none of them is
 * QUEUED, LEASED or waiting for a retry, and the pipeline is drained: the fetchers' lag on the frontier, the
 * analyzers' on images and the writers' on discovered, pages and OCR are all zero (lags are read upstream first,
 * then the database). A crawl idle at every check for {@code settle} is marked FINISHED by exactly one writer
 * ({@code UPDATE ... WHERE state = 'RUNNING' RETURNING}), which then publishes a COMPLETED {@link CrawlEvent} with
 * its {@link CrawlCounts} to {@code crawl.events}. An event whose publication failed is sent again later.
 * Note that lags are per topic, not per crawl: a busy crawl delays the completion of the others.
 */
public final class CompletionWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompletionWatcher.class);

    private static final String IDLE = """
            SELECT c.id FROM crawls c
            WHERE c.state = 'RUNNING' AND c.recrawl_interval_s = 0
              AND EXISTS (SELECT 1 FROM urls u WHERE u.crawl_id = c.id)
              AND NOT EXISTS (SELECT 1 FROM urls u WHERE u.crawl_id = c.id
                              AND (u.status IN ('QUEUED', 'LEASED') OR (u.status = 'FETCH_ERROR' AND u.next_fetch_at IS NOT NULL)))""";
    private static final String FINISH = "UPDATE crawls SET state = 'FINISHED', finished_at = now() WHERE id = ? AND state = 'RUNNING' RETURNING id";
    private static final String UNSENT = """
            SELECT id FROM crawls WHERE state = 'FINISHED' AND completion_sent_at IS NULL AND finished_at < now() - interval '1 minute'""";
    private static final String SENT = "UPDATE crawls SET completion_sent_at = now() WHERE id = ?";

    private final Database db;
    private final ConsumerLag lag;
    private final Producer<byte[], byte[]> producer;
    private final Duration settle;
    private final Duration interval;
    private final Map<String, Long> idleSince = new HashMap<>();
    private final Counter completed;
    private final Thread thread;
    private volatile boolean running = true;

    public CompletionWatcher(Database db, ConsumerLag lag, Producer<byte[], byte[]> producer, Duration settle, Duration interval,
                             MeterRegistry metrics) {
        this.db = db;
        this.lag = lag;
        this.producer = producer;
        this.settle = settle;
        this.interval = interval;
        this.completed = Counter.builder("writer.crawls.completed").description("Crawls marked finished by this writer").register(metrics);
        this.thread = Thread.ofPlatform().name("completion-watcher").daemon().start(this::run);
    }

    private void run() {
        try {
            loop();
        } catch (Error e) {
            log.error("Completion watcher stopped: no crawl will be marked finished until this writer restarts", e);
            throw e;
        }
    }

    private void loop() {
        while (running) {
            try {
                check();
                resendUnsent();
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                idleSince.clear();
                if (!running) {
                    return;
                }
                log.warn("Completion check failed: {}", e.toString());
                try {
                    Thread.sleep(Math.max(interval.toMillis(), 2_000));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    void check() throws Exception {
        if (idleCrawls().isEmpty() || !pipelineDrained()) {
            idleSince.clear();
            return;
        }
        List<String> idle = idleCrawls(); // read after the lags: anything in flight was either in a topic or pending here
        idleSince.keySet().retainAll(Set.copyOf(idle));
        long now = System.nanoTime();
        for (String crawlId : idle) {
            long since = idleSince.computeIfAbsent(crawlId, k -> now);
            if (now - since >= settle.toNanos()) {
                idleSince.remove(crawlId);
                finish(crawlId);
            }
        }
    }

    private List<String> idleCrawls() throws SQLException {
        return db.inTransaction("completion-check", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(IDLE); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    private boolean pipelineDrained() throws InterruptedException {
        return lag.lag(Topics.GROUP_FETCHER, Topics.FRONTIER) == 0
                && lag.lag(Topics.GROUP_ANALYZER, Topics.IMAGES) == 0
                && lag.lag(Topics.GROUP_WRITER, List.of(Topics.DISCOVERED, Topics.PAGES, Topics.OCR)) == 0;
    }

    private void finish(String crawlId) throws Exception {
        Map<String, Long> counts = db.inTransaction("completion-finish", c -> {
            try (PreparedStatement ps = c.prepareStatement(FINISH)) {
                ps.setString(1, crawlId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null; // another writer finished it, or it was stopped meanwhile
                    }
                }
            }
            return CrawlCounts.of(c, crawlId);
        });
        if (counts != null) {
            completed.increment();
            log.info("Crawl {} completed: {}", crawlId, counts);
            publish(crawlId, counts);
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

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
