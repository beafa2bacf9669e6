package dev.crawlocr.writer.bench;

import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.devkit.Bench;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.writer.db.Database;
import dev.crawlocr.writer.frontier.Leases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code scripts/bench frontier [--sizes=10000,1000000,10000000] [--seconds=15] [--keep]}: the scheduler's lease rate as the
 * registry grows. The registry is filled to each size with URLs spread over 10,000 hosts and 3 running crawls (a
 * third of each crawl's URLs due, the rest already fetched, as in a crawl under way), then {@link Leases} leases
 * rounds of 1,000 for a while; after each round the leased URLs are made due again, as retry outcomes would, so the
 * due set keeps its size and hosts keep room in their windows. Prints the lease rate at each size, its ratio to the
 * smallest size's, the writer's heap, and the disk the registry takes per million URLs. Runs on a fresh database of
 * the local PostgreSQL, dropped at the end unless {@code --keep}.
 */
public final class FrontierBenchmark {
    static final int HOSTS = 10_000;
    static final int CRAWLS = 3;
    static final int BATCH = 1000;

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = Bench.flags(args);
        long[] sizes = Arrays.stream(flags.getOrDefault("sizes", "10000,1000000,10000000").split(",")).mapToLong(Long::parseLong).toArray();
        int seconds = Integer.parseInt(flags.getOrDefault("seconds", "15"));
        Postgres pg = TestServices.postgres();
        String url = pg.createDatabase("frontierbench");
        System.out.printf(Locale.ROOT, "frontier benchmark: %d hosts, %d crawls (no delay, 4 connections: 12 leases per host), rounds of %d,"
                + " %d s per size; %d CPUs, load average %s%n", HOSTS, CRAWLS, BATCH, seconds, Runtime.getRuntime().availableProcessors(),
                Bench.loadAverage());
        List<double[]> results = new ArrayList<>();
        try (Database db = new Database(url, pg.user(), pg.password(), 4, new SimpleMeterRegistry())) {
            db.migrate();
            sql(db, "INSERT INTO crawls (id, state, seeds, scope, politeness, ocr, created_at) SELECT 'crawl-' || c, 'RUNNING', '[]', '{}',"
                    + " '{\"minDelayMs\":0,\"maxConnectionsPerHost\":4}', '{}', now() FROM generate_series(0, " + (CRAWLS - 1) + ") c");
            long filled = 0;
            for (long size : sizes) {
                long t0 = System.nanoTime();
                fill(db, filled, size);
                filled = size;
                sql(db, "VACUUM ANALYZE urls");
                System.out.printf(Locale.ROOT, "registry filled to %,d URLs in %.0f s%n", size, (System.nanoTime() - t0) / 1e9);
                double rate = leaseRate(db, seconds);
                long bytes = longValue(db, "SELECT pg_total_relation_size('urls')");
                long heap = usedHeap();
                System.out.printf(Locale.ROOT, "  %,12d URLs: %,8.0f URLs leased/s; registry %,.0f MB (%,.0f MB per million URLs); writer heap %,d MB%n",
                        size, rate, bytes / 1e6, bytes / 1e6 / (size / 1e6), heap >> 20);
                results.add(new double[] {size, rate, bytes, heap});
            }
        } finally {
            if (flags.containsKey("keep")) {
                System.out.println("kept database " + url);
            } else {
                pg.dropDatabase(url);
            }
        }
        double base = results.getFirst()[1];
        System.out.printf(Locale.ROOT, "%n%-14s %14s %10s %16s %10s%n", "registry", "leased/s", "vs first", "MB per million", "heap MB");
        for (double[] r : results) {
            System.out.printf(Locale.ROOT, "%,14.0f %,14.0f %9.2fx %,16.0f %,10.0f%n", r[0], r[1], r[1] / base, r[2] / 1e6 / (r[0] / 1e6),
                    r[3] / (1 << 20));
        }
        double last = results.getLast()[1];
        System.out.printf(Locale.ROOT, "%nlease rate at %,.0f URLs: %.2fx the rate at %,.0f (target: at least 1/1.5 = 0.67x): %s%n",
                results.getLast()[0], last / base, results.getFirst()[0], base / last <= 1.5 ? "met" : "NOT met");
    }

    /**
     * Adds URLs {@code from} to {@code to}: host i % HOSTS, crawl i % CRAWLS; one in three of each crawl's due (queued,
     * due in the past), the rest fetched (no due time), as a crawl under way has them.
     */
    private static void fill(Database db, long from, long to) throws SQLException {
        long step = 1_000_000;
        for (long start = from; start < to; start += step) {
            long end = Math.min(to, start + step) - 1;
            sql(db, "INSERT INTO urls (crawl_id, url_hash, url, host, kind, depth, status, next_fetch_at, fetched_at)"
                    + " SELECT 'crawl-' || (i % " + CRAWLS + "), substring(sha256(int8send(i)) for 16),"
                    + " 'http://h' || (i % " + HOSTS + ") || '.test/page/' || i, 'h' || (i % " + HOSTS + ") || '.test', 'PAGE', 1,"
                    + " CASE WHEN (i / " + CRAWLS + ") % 3 = 0 THEN 'QUEUED' ELSE 'FETCHED' END,"
                    + " CASE WHEN (i / " + CRAWLS + ") % 3 = 0 THEN now() - interval '1 second' * (i % 86400) END,"
                    + " CASE WHEN (i / " + CRAWLS + ") % 3 = 0 THEN NULL ELSE now() END"
                    + " FROM generate_series(" + start + ", " + end + ") i");
        }
    }

    /** URLs leased per second of lease rounds, over {@code seconds}; leased URLs are made due again between rounds. */
    private static double leaseRate(Database db, int seconds) throws SQLException {
        Leases leases = new Leases(db);
        long leased = 0;
        long rounds = 0;
        long leasingNanos = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            long t = System.nanoTime();
            List<FetchTask> tasks = leases.lease(BATCH, Duration.ofMinutes(5)).tasks();
            leasingNanos += System.nanoTime() - t;
            leased += tasks.size();
            rounds++;
            requeue(db, tasks);
        }
        System.out.printf(Locale.ROOT, "  %,d rounds, %,.0f URLs a round, %.1f ms a round%n", rounds, (double) leased / rounds,
                leasingNanos / 1e6 / rounds);
        return leased / (leasingNanos / 1e9);
    }

    /** Makes the leased URLs of the tasks' hosts due again, as retry outcomes would. */
    private static void requeue(Database db, List<FetchTask> tasks) throws SQLException {
        db.inTransaction("requeue", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE urls u SET status = 'QUEUED', lease_until = NULL, next_fetch_at = now()
                    FROM (SELECT DISTINCT * FROM unnest(?::text[], ?::text[])) AS k(crawl_id, host)
                    WHERE u.crawl_id = k.crawl_id AND u.host = k.host AND u.status = 'LEASED' AND u.next_fetch_at > now()""")) {
                ps.setArray(1, c.createArrayOf("text", tasks.stream().map(FetchTask::crawlId).toArray()));
                ps.setArray(2, c.createArrayOf("text", tasks.stream().map(FetchTask::host).toArray()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static long usedHeap() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static void sql(Database db, String statement) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute(statement);
        }
    }

    private static long longValue(Database db, String query) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private FrontierBenchmark() {
    }
}
