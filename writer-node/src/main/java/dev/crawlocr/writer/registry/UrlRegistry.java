package dev.crawlocr.writer.registry;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.writer.pipeline.BatchSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The URL registry: decides, atomically in the database, whether a discovered URL is new to its crawl. A batch
 * of {@code crawl.discovered} records becomes one {@code INSERT ... ON CONFLICT DO NOTHING RETURNING}; only the
 * rows it returns are new, and they start QUEUED and due now, so the scheduler emits them. URLs already in the
 * {@link SeenUrls} cache skip the database. Metrics: {@code writer.registry.new}, {@code writer.rows{table=urls}}.
 */
public final class UrlRegistry implements BatchSink<DiscoveredUrls> {

    static final String INSERT = """
            INSERT INTO urls (crawl_id, url_hash, url, host, kind, depth, discovered_from, status, next_fetch_at)
            SELECT t.crawl_id, t.url_hash, t.url, t.host, t.kind, t.depth, t.src, 'QUEUED', now()
            FROM unnest(?::text[], ?::bytea[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[])
                 AS t(crawl_id, url_hash, url, host, kind, depth, src)
            ON CONFLICT (crawl_id, url_hash) DO NOTHING
            RETURNING crawl_id, url_hash""";

    /** One URL to register, with its cache key. */
    record Entry(String crawlId, byte[] hash, String url, String host, String kind, int depth, String source, ByteBuffer key) {
    }

    private final SeenUrls seen;
    private final Runnable onNewUrls;
    private final Counter newUrls;
    private final Counter rows;
    private List<ByteBuffer> lastKeys = List.of();
    private int lastInserted;

    /** @param onNewUrls called after a commit that registered at least one new URL (wakes the scheduler) */
    public UrlRegistry(SeenUrls seen, Runnable onNewUrls, MeterRegistry metrics) {
        this.seen = seen;
        this.onNewUrls = onNewUrls;
        this.newUrls = Counter.builder("writer.registry.new").description("URLs new to their crawl").register(metrics);
        this.rows = Counter.builder("writer.rows").tag("table", "urls").description("Rows inserted or updated").register(metrics);
    }

    @Override
    public String name() {
        return "discovered";
    }

    @Override
    public DiscoveredUrls decode(byte[] key, byte[] value) {
        return Json.decode(value, DiscoveredUrls.class);
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
                    fresh.put(key, new Entry(d.crawlId(), hash, link.url(), host, link.kind().name(), link.depth(), d.sourceUrl(), key));
                }
            }
        }
        lastKeys = List.copyOf(fresh.keySet());
        lastInserted = fresh.isEmpty() ? 0 : insert(c, new ArrayList<>(fresh.values()));
    }

    /** Inserts the entries in one statement and returns how many were new. */
    static int insert(Connection c, List<Entry> entries) throws SQLException {
        int n = entries.size();
        String[] crawl = new String[n];
        byte[][] hash = new byte[n][];
        String[] url = new String[n];
        String[] host = new String[n];
        String[] kind = new String[n];
        Integer[] depth = new Integer[n];
        String[] src = new String[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            crawl[i] = e.crawlId();
            hash[i] = e.hash();
            url[i] = e.url();
            host[i] = e.host();
            kind[i] = e.kind();
            depth[i] = e.depth();
            src[i] = e.source();
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setArray(1, c.createArrayOf("text", crawl));
            ps.setArray(2, c.createArrayOf("bytea", hash));
            ps.setArray(3, c.createArrayOf("text", url));
            ps.setArray(4, c.createArrayOf("text", host));
            ps.setArray(5, c.createArrayOf("text", kind));
            ps.setArray(6, c.createArrayOf("int4", depth));
            ps.setArray(7, c.createArrayOf("text", src));
            int count = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    count++;
                }
            }
            return count;
        }
    }

    @Override
    public void afterCommit(List<DiscoveredUrls> batch) {
        lastKeys.forEach(seen::add);
        lastKeys = List.of();
        newUrls.increment(lastInserted);
        rows.increment(lastInserted);
        if (lastInserted > 0) {
            onNewUrls.run();
        }
        lastInserted = 0;
    }
}
