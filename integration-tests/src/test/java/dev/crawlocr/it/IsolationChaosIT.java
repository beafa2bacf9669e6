package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.ctl.CrawlJobs;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.localcluster.LocalCluster;
import dev.crawlocr.localcluster.LocalClusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crawls stay isolated under timing chaos, on the local cluster (separate processes, then one JVM). Twenty short
 * crawls of healthy sites start at random moments: while the nodes are still starting, around a node's restart and
 * around a node joining. Beside them run a crawl whose site dies halfway, a crawl of a host that takes 5 s per
 * response, and a second cluster that tries to use the same database. Every healthy crawl must complete with each
 * page and image stored once and fetched once, no FETCH_ERROR, and its completion event at most 2 s after its last
 * stored row; the dead site's crawl must end with an outcome for every URL within {@link #DEAD_SITE_BOUND}; the
 * second cluster is refused; the slow crawl, stopped, lets go of its queued work.
 */
class IsolationChaosIT {
    static final int HEALTHY = 20;
    static final int PARTITIONS = 6;
    /** The dead site's crawl ends this soon after the site dies: attempts x retry delay, plus the breaker's cool-down. */
    static final Duration DEAD_SITE_BOUND = Duration.ofSeconds(120);
    static final Duration COMPLETION_LAG = Duration.ofSeconds(2);

    private record Healthy(String id, DemoSite site) {
    }

    @ParameterizedTest(name = "all-in-one: {0}")
    @ValueSource(booleans = {false, true})
    void crawlsStayIsolatedUnderTimingChaos(boolean allInOne) throws Exception {
        Postgres pg = TestServices.postgres();
        String dbUrl = pg.createDatabase("chaos");
        Path home = Path.of(System.getProperty("crawlocr.home", "..")).toAbsolutePath().normalize();
        LocalCluster cluster = new LocalCluster(Files.createTempDirectory("crawlocr-chaos"), home);
        LocalCluster intruder = new LocalCluster(Files.createTempDirectory("crawlocr-intruder"), home);
        Map<String, String> env = Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8", "KAFKA_TOPIC_PARTITIONS", Integer.toString(PARTITIONS),
                "WRITER_RETRY_DELAY", "2s", "WRITER_LEASE", "60s", "WRITER_COMPLETION_INTERVAL", "250ms",
                "FETCHER_UNREACHABLE_COOLDOWN", "5s", "FETCHER_CONNECT_TIMEOUT", "2s", "ANALYZER_WORKERS", "1");
        Random random = new Random(allInOne ? 7 : 3);
        List<DemoSite> sites = new ArrayList<>();
        List<Healthy> healthy = new ArrayList<>();
        ScheduledExecutorService starter = Executors.newScheduledThreadPool(4);
        try {
            CompletableFuture<Void> started = CompletableFuture.runAsync(() -> cluster.start(new LocalCluster.Spec(1, 1, 1, allInOne, 0, dbUrl,
                    pg.user(), pg.password(), env)), Executors.newVirtualThreadPerTaskExecutor());
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(cluster.dir().resolve("bootstrap")));
            String bootstrap = Files.readString(cluster.dir().resolve("bootstrap")).strip();
            CrawlJobs jobs = new CrawlJobs(new CommonConfig(bootstrap, true, PARTITIONS, 10 << 20, 0, "chaos"));
            List<CompletableFuture<?>> launches = new ArrayList<>();

            // While the nodes are still starting: they have not read crawl.jobs yet.
            for (int i = 0; i < 4; i++) {
                launches.add(startHealthy(jobs, sites, healthy, random, starter, 0));
            }
            started.get(3, TimeUnit.MINUTES);
            long t0 = System.nanoTime();

            for (int i = 0; i < 4; i++) {
                launches.add(startHealthy(jobs, sites, healthy, random, starter, random.nextInt(8_000)));
            }
            DemoSite dying = DemoSite.start("127.0.0.1", 0, 60, 4, 99);
            sites.add(dying);
            String deadId = "dead-" + allInOne;
            jobs.start(job(deadId, dying, 20));
            DemoSite slow = DemoSite.start("127.0.0.1", 0, 12, 4, 98).withLatency(Duration.ofSeconds(5));
            sites.add(slow);
            String slowId = "slow-" + allInOne;
            jobs.start(job(slowId, slow, 0));

            // A second cluster, with its own broker, pointed at the same database.
            CompletableFuture<Throwable> intrusion = CompletableFuture.supplyAsync(() -> {
                try {
                    intruder.start(new LocalCluster.Spec(1, 1, 1, false, 0, dbUrl, pg.user(), pg.password(), env));
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            }, Executors.newVirtualThreadPerTaskExecutor());

            // The site of one crawl dies once it has served 15 requests.
            await().atMost(Duration.ofSeconds(60)).until(() -> dying.requests().size() >= 15);
            dying.close();
            CompletableFuture<Long> deadCrawlEnded = CompletableFuture.supplyAsync(() -> secondsUntilEveryUrlHasAnOutcome(dbUrl, pg, deadId),
                    Executors.newVirtualThreadPerTaskExecutor());

            // A node restarts (the whole JVM in the one-JVM form), with crawls starting around it.
            for (int i = 0; i < 6; i++) {
                launches.add(startHealthy(jobs, sites, healthy, random, starter, random.nextInt(10_000)));
            }
            String restarted = allInOne ? "all-in-one" : "fetcher";
            LocalCluster.Member old = cluster.members().stream().filter(m -> m.name().startsWith(restarted + "-") && m.alive()).findFirst().orElseThrow();
            cluster.end(old, false);
            cluster.add(restarted, 1);

            // A node joins (a second JVM in the one-JVM form), with the last crawls starting around it.
            while (launches.size() < HEALTHY) {
                launches.add(startHealthy(jobs, sites, healthy, random, starter, random.nextInt(10_000)));
            }
            cluster.add(allInOne ? "all-in-one" : "analyzer", 1);
            CompletableFuture.allOf(launches.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

            Throwable refused = intrusion.get(3, TimeUnit.MINUTES);
            String ours = Files.readString(cluster.dir().resolve("kafka-cluster-id")).strip();
            String theirs = Files.readString(intruder.dir().resolve("kafka-cluster-id")).strip();
            assertThat(refused).as("the second cluster's writer").isInstanceOf(LocalClusterException.class)
                    .hasMessageContaining("writer-1 exited during start-up: The database " + dbUrl + " belongs to Kafka cluster " + ours)
                    .hasMessageContaining("is cluster " + theirs);

            try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password())) {
                for (Healthy h : healthy) {
                    Optional<CrawlEvent> done = jobs.awaitCompletion(h.id(), Duration.ofMinutes(3), null);
                    assertThat(done).as("completion of %s", h.id()).isPresent();
                    checkHealthy(db, h, done.get());
                }
                System.out.printf("chaos (all-in-one %s): %d healthy crawls complete, %.0f s after the cluster was ready%n", allInOne,
                        healthy.size(), (System.nanoTime() - t0) / 1e9);

                long deadSeconds = deadCrawlEnded.get(DEAD_SITE_BOUND.toSeconds() + 60, TimeUnit.SECONDS);
                System.out.printf("the dead site's crawl had an outcome for every URL %d s after its site died (bound %d s)%n", deadSeconds,
                        DEAD_SITE_BOUND.toSeconds());
                assertThat(deadSeconds).isLessThanOrEqualTo(DEAD_SITE_BOUND.toSeconds());
                assertThat(jobs.awaitCompletion(deadId, Duration.ofSeconds(30), null)).as("completion of the dead site's crawl").isPresent();

                new CrawlJobs(new CommonConfig(bootstrap, true, PARTITIONS, 10 << 20, 0, "chaos")).stop(slowId);
                await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "SELECT count(*) FROM urls WHERE crawl_id = ? AND status = 'LEASED'",
                        slowId) == 0);
            }
        } finally {
            starter.shutdownNow();
            intruder.stop();
            cluster.stop();
            sites.forEach(DemoSite::close);
        }
    }

    /** Seconds from now until none of the crawl's URLs is queued, leased or waiting for a retry. */
    private static long secondsUntilEveryUrlHasAnOutcome(String dbUrl, Postgres pg, String crawlId) {
        long start = System.nanoTime();
        try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password())) {
            await().atMost(DEAD_SITE_BOUND.plusSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> count(db, "SELECT count(*) FROM urls WHERE crawl_id = ? AND (status IN ('QUEUED', 'LEASED')"
                            + " OR (status = 'FETCH_ERROR' AND next_fetch_at IS NOT NULL))", crawlId) == 0);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    }

    /** Starts a crawl of a new healthy site after {@code delayMs}. */
    private static CompletableFuture<?> startHealthy(CrawlJobs jobs, List<DemoSite> sites, List<Healthy> healthy, Random random,
                                                     ScheduledExecutorService starter, long delayMs) {
        DemoSite site = DemoSite.start("127.0.0.1", 0, 6 + random.nextInt(15), 3, random.nextLong());
        String id = "ok-" + healthy.size() + "-" + Long.toHexString(random.nextLong() & 0xffffff);
        sites.add(site);
        healthy.add(new Healthy(id, site));
        CompletableFuture<Void> done = new CompletableFuture<>();
        starter.schedule(() -> {
            try {
                jobs.start(job(id, site, 0));
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, delayMs, TimeUnit.MILLISECONDS);
        return done;
    }

    private static CrawlJob job(String id, DemoSite site, int delayMs) {
        return new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, List.of(site.seedUrl()),
                new CrawlScope(List.of(), List.of(), List.of(), List.of(), 20, 0, 0, null, true, 0, true),
                new Politeness(delayMs, 2, 0, 0, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now());
    }

    private static void checkHealthy(Connection db, Healthy h, CrawlEvent done) throws SQLException {
        String id = h.id();
        DemoSite site = h.site();
        assertThat(strings(db, "SELECT url FROM pages WHERE crawl_id = ? AND status = 'FETCHED'", id)).as("pages of %s", id)
                .containsExactlyInAnyOrderElementsOf(site.pageUrls());
        assertThat(strings(db, "SELECT i.url FROM images i JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash"
                + " WHERE i.crawl_id = ? AND o.status = 'OK'", id)).as("images read in %s", id)
                .containsExactlyInAnyOrderElementsOf(site.imageTexts().keySet());
        Map<String, Integer> hits = site.hits();
        site.pageUrls().forEach(u -> assertThat(hits.get(u.substring(site.baseUrl().length()))).as("fetches of %s", u).isEqualTo(1));
        site.imageTexts().keySet().forEach(u -> assertThat(hits.get(u.substring(site.baseUrl().length()))).as("fetches of %s", u).isEqualTo(1));
        assertThat(strings(db, "SELECT reason FROM fetch_errors WHERE crawl_id = ? AND status = 'FETCH_ERROR'", id)).as("FETCH_ERRORs of %s", id)
                .isEmpty();
        long lastStored = count(db, """
                SELECT (extract(epoch FROM max(t)) * 1000)::bigint FROM (
                    SELECT max(stored_at) AS t FROM pages WHERE crawl_id = ? UNION ALL
                    SELECT max(stored_at) FROM images WHERE crawl_id = ? UNION ALL
                    SELECT max(stored_at) FROM ocr_results WHERE crawl_id = ?) s""", id, id, id);
        assertThat(done.atMs() - lastStored).as("ms from the last stored row of %s to its completion event", id)
                .isLessThanOrEqualTo(COMPLETION_LAG.toMillis());
    }

    private static long count(Connection db, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> strings(Connection db, String sql, String id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
