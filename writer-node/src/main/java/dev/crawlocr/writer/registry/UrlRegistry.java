package dev.crawlocr.writer.registry;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.Discovery;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.writer.pipeline.BatchSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.postgresql.PGConnection;

/**
 * The URL registry: decides, atomically in the database, whether a discovered URL is new to its crawl. A batch
 * of {@code crawl.discovered} records is copied into a session staging table ({@code COPY}) and becomes one
 * {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING}; only the
 * rows it returns are new, and they start QUEUED and due now, so the scheduler emits them; each keeps how it was
 * first discovered ({@code urls.discovery}: seed, link or sitemap), as a later discovery inserts nothing. URLs already in the
 * {@link SeenUrls} cache skip the database. Each record a fetch sent is noted in {@code link_records}, and each
 * record of a crawl's URL list in {@code url_list_parts}, in the same transaction, so completion knows when all of a
 * fetch's links, and the whole list, are registered. Metrics: {@code writer.registry.new},
 * {@code writer.rows{table=urls}}.
 */
public final class UrlRegistry implements BatchSink<DiscoveredUrls> {

    /** A per-session staging table; COPY fills it, the INSERT below drains it, and commit empties it. */
    static final String STAGE = """
            CREATE TEMP TABLE IF NOT EXISTS registry_stage (crawl_id text, url_hash bytea, url text, host text, kind text, depth int, src text,
                discovery text)
            ON COMMIT DELETE ROWS""";

    static final String INSERT = """
            INSERT INTO urls (crawl_id, url_hash, url, host, kind, depth, discovered_from, discovery, status, next_fetch_at)
            SELECT crawl_id, url_hash, url, host, kind, depth, src, discovery, 'QUEUED', now() FROM registry_stage
            ON CONFLICT (crawl_id, url_hash) DO NOTHING
            RETURNING url_hash""";

    static final String LINK_RECORD = """
            INSERT INTO link_records (crawl_id, url_hash, fetched_at, part) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING""";

    static final String LIST_PART = "INSERT INTO url_list_parts (crawl_id, part) VALUES (?, ?) ON CONFLICT DO NOTHING";

    /** One URL to register, with its cache key. */
    record Entry(String crawlId, byte[] hash, String url, String host, String kind, int depth, String source, Discovery via, ByteBuffer key) {
    }

    private final SeenUrls seen;
    private final Runnable onNewUrls;
    private final Runnable onStored;
    private final Counter newUrls;
    private final Counter rows;
    /** What a flusher thread's last write did, for {@link #afterCommit}. */
    private static final class Pending {
        List<ByteBuffer> keys = List.of();
        int inserted;
    }

    private final ThreadLocal<Pending> pending = ThreadLocal.withInitial(Pending::new);

    /**
     * @param onNewUrls called after a commit that registered at least one new URL (wakes the scheduler)
     * @param onStored  called after every commit: the fetches whose link records it noted may complete their crawl
     */
    public UrlRegistry(SeenUrls seen, Runnable onNewUrls, Runnable onStored, MeterRegistry metrics) {
        this.seen = seen;
        this.onNewUrls = onNewUrls;
        this.onStored = onStored;
        this.newUrls = Counter.builder("writer.registry.new").description("URLs new to their crawl").register(metrics);
        this.rows = Counter.builder("writer.rows").tag("table", "urls").description("Rows inserted or updated").register(metrics);
    }

    @Override
    public String name() {
        return "discovered";
    }

    @Override
    public DiscoveredUrls decode(ConsumerRecord<byte[], byte[]> record) {
        return Json.decode(record.value(), DiscoveredUrls.class);
    }

    @Override
    public void write(Connection c, List<DiscoveredUrls> batch) throws SQLException {
        Map<ByteBuffer, Entry> fresh = new LinkedHashMap<>();
        for (DiscoveredUrls d : batch) {
            for (DiscoveredUrls.Link link : d.urls()) {
                byte[] hash = Hashes.urlHash(link.url());
                ByteBuffer key = SeenUrls.key(d.crawlId(), hash);
                if (!fresh.containsKey(key) && !seen.seen(key)) {
                    String host = Urls.hostKey(link.url()).orElse(d.host());
                    fresh.put(key, new Entry(d.crawlId(), hash, link.url(), host, link.kind().name(), link.depth(), d.sourceUrl(), d.via(), key));
                }
            }
        }
        Pending p = pending.get();
        p.keys = List.copyOf(fresh.keySet());
        p.inserted = fresh.isEmpty() ? 0 : insert(c, new ArrayList<>(fresh.values()));
        noteLinkRecords(c, batch);
        noteListParts(c, batch);
    }

    /**
     * Registers a crawl's seeds (normalized, depth 0) in the caller's transaction: the crawl then has URLs from the
     * moment it has a row, and cannot look complete before its seeds arrive on {@code crawl.discovered}. Seeds that
     * are not absolute http(s) URLs are skipped (the job's producer checks them).
     */
    public static void registerSeeds(Connection c, CrawlJob job) throws SQLException {
        Urls urls = new Urls(List.of());
        List<Entry> entries = new ArrayList<>();
        for (String seed : job.seeds()) {
            urls.normalize(seed).ifPresent(n -> {
                byte[] hash = Hashes.urlHash(n);
                entries.add(new Entry(job.crawlId(), hash, n, Urls.hostKey(n).orElseThrow(), UrlKind.PAGE.name(), 0, null,
                        Discovery.SEED, SeenUrls.key(job.crawlId(), hash)));
            });
        }
        if (!entries.isEmpty()) {
            insert(c, entries);
        }
    }

    /** Notes every record of a fetch's links (not seeds), in key order so concurrent writers cannot deadlock. */
    private static void noteLinkRecords(Connection c, List<DiscoveredUrls> batch) throws SQLException {
        List<DiscoveredUrls> records = batch.stream().filter(d -> d.sourceUrl() != null && d.fetchedAtMs() > 0)
                .sorted(java.util.Comparator.comparing((DiscoveredUrls d) -> d.crawlId()).thenComparing(DiscoveredUrls::sourceUrl)
                        .thenComparingLong(DiscoveredUrls::fetchedAtMs).thenComparingInt(DiscoveredUrls::part))
                .toList();
        if (records.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(LINK_RECORD)) {
            for (DiscoveredUrls d : records) {
                ps.setString(1, d.crawlId());
                ps.setBytes(2, Hashes.urlHash(d.sourceUrl()));
                ps.setObject(3, OffsetDateTime.ofInstant(Instant.ofEpochMilli(d.fetchedAtMs()), ZoneOffset.UTC));
                ps.setInt(4, d.part());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Notes every record of a URL list, in key order so concurrent writers cannot deadlock. */
    private static void noteListParts(Connection c, List<DiscoveredUrls> batch) throws SQLException {
        List<DiscoveredUrls> parts = batch.stream().filter(DiscoveredUrls::list)
                .sorted(java.util.Comparator.comparing(DiscoveredUrls::crawlId).thenComparingInt(DiscoveredUrls::part)).toList();
        if (parts.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(LIST_PART)) {
            for (DiscoveredUrls d : parts) {
                ps.setString(1, d.crawlId());
                ps.setInt(2, d.part());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Copies the entries into the staging table, then inserts them in one statement; returns how many were new. */
    static int insert(Connection c, List<Entry> entries) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(STAGE);
        }
        StringBuilder copy = new StringBuilder(entries.size() * 160);
        for (Entry e : entries) {
            copy.append(CopyText.escape(e.crawlId())).append('\t').append("\\\\x").append(Hashes.hex(e.hash())).append('\t')
                    .append(CopyText.escape(e.url())).append('\t').append(CopyText.escape(e.host())).append('\t')
                    .append(e.kind()).append('\t').append(e.depth()).append('\t').append(CopyText.escape(e.source())).append('\t')
                    .append(e.via().label()).append('\n');
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY registry_stage FROM STDIN", new StringReader(copy.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into registry_stage failed: " + e.getMessage(), "08006", e);
        }
        int count = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(INSERT)) {
            while (rs.next()) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void afterCommit(List<DiscoveredUrls> batch) {
        Pending p = pending.get();
        p.keys.forEach(seen::add);
        newUrls.increment(p.inserted);
        rows.increment(p.inserted);
        if (p.inserted > 0) {
            onNewUrls.run();
        }
        onStored.run();
        p.keys = List.of();
        p.inserted = 0;
    }
}
