package dev.crawlocr.writer.bench;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.devkit.Bench;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.writer.WriterNode;
import dev.crawlocr.writer.db.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * {@code scripts/bench writer [--pages=30000] [--urls=200000]}: the writer sink alone against {@code psql \copy},
 * and the URL registry's insert rate. Runs on a broker and databases of its own (fresh databases on the local
 * PostgreSQL unless CRAWLOCR_PG_URL is set).
 * <ol>
 *   <li>Page sink: page fetch results with 3-4 KB of text are produced first; a writer then consumes the backlog
 *   (storing pages and releasing each URL's lease, as in a crawl). Rate = rows from first to last batch.</li>
 *   <li>Baseline: the same pages rows loaded by {@code psql \copy} into an identical empty schema (same indexes,
 *   same generated search column).</li>
 *   <li>Registry: discovered-URL records of 50 new links each are produced first; a writer consumes them.
 *   Then the same records again, which the cache answers.</li>
 * </ol>
 */
public final class WriterBenchmark {

    public static void main(String[] args) throws Exception {
        int pages = arg(args, "pages", 10_000);
        int urls = arg(args, "urls", 200_000);
        String bootstrap = TestServices.kafkaBootstrap();
        Postgres pg = TestServices.postgres();
        CommonConfig common = new CommonConfig(bootstrap, true, 6, 10 << 20, 0, "bench");
        TopicAdmin.ensureTopics(common);
        BenchData data = new BenchData();

        // 1. Registry: new URLs, then the same URLs again.
        List<DiscoveredUrls> discovered = data.discovered("bench-registry", urls, 50);
        String registryDb = pg.createDatabase("writerbench_registry");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(common, "bench")) {
            for (DiscoveredUrls d : discovered) {
                Clients.send(producer, Topics.DISCOVERED, d.host().getBytes(StandardCharsets.UTF_8), Json.encode(d), null);
            }
            producer.flush();
        }
        double registryRate;
        double cachedRate;
        try (WriterNode writer = WriterNode.start(env(bootstrap, registryDb, pg))) {
            registryRate = rate(writer.metrics(), m -> count(m, "writer.registry.new"), urls, "registry");
            dbTime(writer.metrics(), "discovered");
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(common, "bench")) {
                for (DiscoveredUrls d : discovered) {
                    Clients.send(producer, Topics.DISCOVERED, d.host().getBytes(StandardCharsets.UTF_8), Json.encode(d), null);
                }
                producer.flush();
            }
            cachedRate = rate(writer.metrics(), m -> m.get("writer.registry.cache").tag("result", "hit").counter().count(), urls, "cache");
        }

        // 2. Baseline: psql \copy of the same rows into the same schema, before and after the writer (the machine may be shared).
        List<FetchResult> results = data.pages("bench-pages", pages);
        double avgText = results.stream().mapToInt(r -> r.text().length()).average().orElse(0);
        Path csv = Files.createTempFile("writer-bench", ".csv");
        BenchData.writeCsv(results, csv);
        double copyBefore = psqlCopy(pg, csv, pages);

        // 3. Page sink.
        double sinkRate = sinkRun(common, pg, results, 2);
        double sinkRate1 = sinkRun(common, pg, results, 1);
        double copyAfter = psqlCopy(pg, csv, pages);
        double copyRate = (copyBefore + copyAfter) / 2;
        Files.deleteIfExists(csv);

        System.out.printf(Locale.ROOT, "%nwriter benchmark (%d pages, average text %.0f chars; %d registry URLs; %d CPUs, load average %s)%n",
                pages, avgText, urls, Runtime.getRuntime().availableProcessors(), Bench.loadAverage());
        System.out.printf(Locale.ROOT, "  writer page sink     %,10.0f rows/s  (2 sink threads, the default; pages upsert + URL status/lease release, batches of 500)%n", sinkRate);
        System.out.printf(Locale.ROOT, "  writer, 1 thread     %,10.0f rows/s  (WRITER_SINK_THREADS=1: one session, like psql)%n", sinkRate1);
        System.out.printf(Locale.ROOT, "  psql \\copy baseline  %,10.0f rows/s  (pages rows only; mean of %,.0f before and %,.0f after)%n",
                copyRate, copyBefore, copyAfter);
        System.out.printf(Locale.ROOT, "  ratio                %10.2fx  (target >= 0.8x); with 1 thread %.2fx%n", sinkRate / copyRate, sinkRate1 / copyRate);
        System.out.printf(Locale.ROOT, "  registry new URLs    %,10.0f URLs/s (target >= 20,000; one INSERT ... ON CONFLICT DO NOTHING RETURNING per batch)%n", registryRate);
        System.out.printf(Locale.ROOT, "  registry seen URLs   %,10.0f URLs/s (answered by the in-memory cache)%n", cachedRate);
        System.exit(0);
    }

    /** Produces the pages to a fresh topic state, then lets a writer with {@code threads} sink threads consume them. */
    private static double sinkRun(CommonConfig common, Postgres pg, List<FetchResult> results, int threads) throws Exception {
        String sinkDb = pg.createDatabase("writerbench_sink");
        migrate(sinkDb, pg);
        leaseAll(sinkDb, pg, results);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(common, "bench")) {
            for (FetchResult r : results) {
                Clients.send(producer, Topics.PAGES, r.url().getBytes(StandardCharsets.UTF_8), Json.encode(r), null);
            }
            producer.flush();
        }
        Map<String, String> env = env(common.bootstrapServers(), sinkDb, pg);
        env.put("WRITER_SINK_THREADS", Integer.toString(threads));
        try (WriterNode writer = WriterNode.start(env)) {
            double rate = rate(writer.metrics(), m -> count(m, "writer.sink.records", "sink", "pages"), results.size(), "pages x" + threads);
            dbTime(writer.metrics(), "pages");
            return rate;
        }
    }

    private static Map<String, String> env(String bootstrap, String db, Postgres pg) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("OPS_PORT", "0");
        env.put("DATABASE_URL", db);
        env.put("DATABASE_USER", pg.user());
        env.put("DATABASE_PASSWORD", pg.password());
        env.put("WRITER_SCHEDULER_ENABLED", "false");
        env.put("WRITER_COMPLETION_INTERVAL", "1h");
        return env;
    }

    /** Waits until {@code metric} reaches {@code total}; rate from the first sample above zero to the end. */
    private static double rate(MeterRegistry metrics, ToDoubleFunction<MeterRegistry> metric, long total, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        double startCount = 0;
        long start = 0;
        while (System.nanoTime() < deadline) {
            double n = metric.applyAsDouble(metrics);
            long now = System.nanoTime();
            if (start == 0 && n > 0) {
                start = now;
                startCount = n;
            }
            if (n >= total) {
                double seconds = (now - start) / 1e9;
                System.out.printf(Locale.ROOT, "%s: %d in %.2f s%n", what, total, seconds);
                return (n - startCount) / seconds;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // sampling interval of the measurement
        }
        throw new IllegalStateException(what + " did not finish in 10 minutes: " + metric.applyAsDouble(metrics) + " of " + total);
    }

    private static void dbTime(MeterRegistry m, String op) {
        var timer = m.find("writer.db.latency").tag("op", op).timer();
        var batches = m.find("writer.batch.size").tag("sink", op).summary();
        if (timer != null && batches != null) {
            System.out.printf(Locale.ROOT, "%s: %d transactions, %.2f s in the database, mean batch %.0f records%n", op, timer.count(),
                    timer.totalTime(TimeUnit.SECONDS), batches.mean());
        }
    }

    private static double count(MeterRegistry m, String name, String... tags) {
        var search = m.find(name).tags(tags).counter();
        return search == null ? 0 : search.count();
    }

    private static void migrate(String db, Postgres pg) {
        try (Database d = new Database(db, pg.user(), pg.password(), 2, new SimpleMeterRegistry())) {
            d.migrate();
        }
    }

    /** Registers every page URL as LEASED, as the scheduler would have before the fetches. Not timed. */
    private static void leaseAll(String db, Postgres pg, List<FetchResult> results) throws Exception {
        try (Database d = new Database(db, pg.user(), pg.password(), 2, new SimpleMeterRegistry())) {
            d.inTransaction("bench-setup", (Connection c) -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO urls (crawl_id, url_hash, url, host, kind, depth, status, attempts, lease_until, next_fetch_at)
                        VALUES (?, ?, ?, ?, 'PAGE', 2, 'LEASED', 1, now() + interval '1 hour', now() + interval '1 hour')""")) {
                    for (FetchResult r : results) {
                        ps.setString(1, r.crawlId());
                        ps.setBytes(2, Hashes.urlHash(r.url()));
                        ps.setString(3, r.url());
                        ps.setString(4, URI.create(r.url()).getHost());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        }
    }

    private static double psqlCopy(Postgres pg, Path csv, int rows) throws Exception {
        String jdbcUrl = pg.createDatabase("writerbench_copy");
        migrate(jdbcUrl, pg);
        URI u = URI.create(jdbcUrl.substring("jdbc:".length()));
        String conninfo = "host=" + u.getHost() + " port=" + (u.getPort() < 0 ? 5432 : u.getPort()) + " dbname=" + u.getPath().substring(1)
                + " user=" + pg.user();
        ProcessBuilder pb = new ProcessBuilder("psql", conninfo, "-v", "ON_ERROR_STOP=1", "-c",
                "\\copy pages(" + BenchData.COPY_COLUMNS + ") FROM '" + csv + "' WITH (FORMAT csv)").redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", pg.password());
        long start = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || !out.equals("COPY " + rows)) {
            throw new IllegalStateException("psql \\copy failed: " + out);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "psql \\copy: %d in %.2f s%n", rows, seconds);
        return rows / seconds;
    }

    private static int arg(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith("--" + name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 3));
            }
        }
        return fallback;
    }

    private WriterBenchmark() {
    }
}
