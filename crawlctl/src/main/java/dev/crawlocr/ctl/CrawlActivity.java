package dev.crawlocr.ctl;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** What the console shows of one crawl beyond {@link StatusCommand#crawls}: throughput, hosts, errors, dead letters. Reads only. */
final class CrawlActivity {

    /** Seconds over which the throughput of a point is measured. */
    static final int WINDOW_SECONDS = 5;

    /** Pages, images and OCR results stored per second over the last {@link #WINDOW_SECONDS}, at {@code atMs}. */
    record Throughput(long atMs, double pagesPerSecond, double imagesPerSecond, double ocrPerSecond) {
    }

    /** One host's URLs: all of them, and those fetched. */
    record Host(String host, long urls, long fetched) {
    }

    /** A count of failed fetches (or OCR) with one status and reason. */
    record Error(String kind, String status, String reason, long count) {
    }

    /** A dead letter of the crawl: where it failed and why. */
    record DeadLetter(String topic, String stage, String message, long timestampMs) {
    }

    static Throughput throughput(Connection db, String crawl) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT (SELECT count(*) FROM pages WHERE crawl_id = ? AND stored_at > now() - make_interval(secs => ?)),
                       (SELECT count(*) FROM images WHERE crawl_id = ? AND stored_at > now() - make_interval(secs => ?)),
                       (SELECT count(*) FROM ocr_results WHERE crawl_id = ? AND stored_at > now() - make_interval(secs => ?))""")) {
            for (int i = 0; i < 3; i++) {
                ps.setString(2 * i + 1, crawl);
                ps.setInt(2 * i + 2, WINDOW_SECONDS);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Throughput(System.currentTimeMillis(), rs.getLong(1) / (double) WINDOW_SECONDS, rs.getLong(2) / (double) WINDOW_SECONDS,
                        rs.getLong(3) / (double) WINDOW_SECONDS);
            }
        }
    }

    static List<Host> hosts(Connection db, String crawl) throws SQLException {
        List<Host> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT host, count(*), count(*) FILTER (WHERE status = 'FETCHED') FROM urls WHERE crawl_id = ?
                GROUP BY host ORDER BY count(*) DESC, host LIMIT 200""")) {
            ps.setString(1, crawl);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Host(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    /** Outcomes other than FETCHED and REDIRECT, failed attempts and failed OCR, by reason. */
    static List<Error> errors(Connection db, String crawl) throws SQLException {
        List<Error> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT kind, status, coalesce(reason, ''), count(*) FROM (
                  SELECT 'page' AS kind, status, reason FROM pages WHERE crawl_id = ? AND status NOT IN ('FETCHED', 'REDIRECT')
                  UNION ALL SELECT 'image', status, reason FROM images WHERE crawl_id = ? AND status NOT IN ('FETCHED', 'REDIRECT')
                  UNION ALL SELECT 'attempt', status, reason FROM fetch_errors WHERE crawl_id = ?
                  UNION ALL SELECT 'ocr', status, reason FROM ocr_results WHERE crawl_id = ? AND status = 'FAILED'
                ) e GROUP BY 1, 2, 3 ORDER BY count(*) DESC, 1, 2, 3 LIMIT 200""")) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, crawl);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Error(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    /** The crawl's politeness settings as stored with it (name to value). */
    static Map<String, String> politeness(Connection db, String crawl) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT p.key, p.value FROM crawls c, jsonb_each_text(c.politeness) p WHERE c.id = ?")) {
            ps.setString(1, crawl);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * The dead letters on {@code crawl.deadletter} whose {@code crawl-id} header names the crawl, read to the end as of
     * now (at most {@code timeout}), the latest {@code max} of them.
     */
    static List<DeadLetter> deadLetters(String bootstrapServers, int imageMaxBytes, String crawl, int max, Duration timeout) {
        List<DeadLetter> out = new ArrayList<>();
        try (TopicReader reader = TopicReader.builder(bootstrapServers).fetchBytes(Topics.maxRecordBytes(imageMaxBytes)).build(Topics.DEAD_LETTER)) {
            reader.readToEnd(timeout, r -> {
                if (crawl.equals(header(r, "crawl-id"))) {
                    out.add(new DeadLetter(header(r, DeadLetters.TOPIC), header(r, DeadLetters.STAGE), header(r, DeadLetters.MESSAGE), r.timestamp()));
                    if (out.size() > max) {
                        out.remove(0);
                    }
                }
            });
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    private CrawlActivity() {
    }
}
