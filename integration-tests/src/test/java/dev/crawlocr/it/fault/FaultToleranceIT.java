package dev.crawlocr.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.TopicReader;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crashes, restarts and outages while a crawl of a generated site (8 hosts, >= 1,000 pages with images) runs on
 * nodes that are separate OS processes, against a real broker process and PostgreSQL. After each fault the crawl
 * must complete with every page and image stored exactly once, duplicate fetches (counted by the site) within
 * 1 per 10,000 plus the in-flight window the lease allows, and no gap between two requests to a host below the
 * crawl's delay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {
    static final int HOSTS = 8;
    static final int PAGES_PER_HOST = Integer.getInteger("faults.pagesPerHost", 130);
    static final int PAGES_PER_IMAGE = 10;
    static final long DELAY_MS = 40;

    LocalCluster cluster;
    Postgres pg;
    String dbUrl;
    CrawlJobs jobs;
    int seed;

    @BeforeAll
    void startCluster() throws Exception {
        pg = TestServices.postgres();
        dbUrl = pg.createDatabase("faults");
        Path home = Path.of(System.getProperty("crawlocr.home", "..")).toAbsolutePath().normalize();
        cluster = new LocalCluster(Files.createTempDirectory("crawlocr-faults"), home);
        cluster.start(new LocalCluster.Spec(2, 1, 2, false, 0, dbUrl, pg.user(), pg.password(), Map.of(
                "FETCHER_ALLOW_NETWORKS", "127.0.0.0/8",
                "KAFKA_TOPIC_PARTITIONS", "12",
                "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "8000",
                "KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000",
                "WRITER_LEASE", "20s",
                "ANALYZER_WORKERS", "1")));
        jobs = new CrawlJobs(new CommonConfig(cluster.bootstrapServers(), true, 12, 10 << 20, 0, "faults"));
        System.out.println("fault tests: cluster in " + cluster.dir() + " with " + cluster.members().size() + " processes");
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    @Order(1)
    void fetcherKilledMidCrawl() throws Exception {
        killAndReplace("fetcher", run -> awaitFetched(run, 0.3));
    }

    @Test
    @Order(2)
    void analyzerKilledMidCrawl() throws Exception {
        killAndReplace("analyzer", run -> await().atMost(Duration.ofMinutes(3))
                .until(() -> count(run, "SELECT count(*) FROM ocr_results WHERE crawl_id = ?") >= run.images() / 5));
    }

    @Test
    @Order(3)
    void writerKilledMidCrawl() throws Exception {
        killAndReplace("writer", run -> awaitFetched(run, 0.3));
    }

    /** kill -9 of one process of {@code node} once {@code midCrawl} returns, and a replacement started. */
    private void killAndReplace(String node, java.util.function.Consumer<Run> midCrawl) throws Exception {
        Run run = begin("kill-" + node);
        midCrawl.accept(run);
        long window = leased(run);
        cluster.end(member(node), true);
        cluster.add(node, 1);
        finish(run, window);
    }

    @Test
    @Order(4)
    void brokerStoppedAndRestartedMidCrawl() throws Exception {
        Run run = begin("broker-restart");
        awaitFetched(run, 0.3);
        long window = leased(run);
        cluster.kafka().stop();
        String bootstrap = cluster.bootstrapServers();
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20)).until(() -> !Outages.listening(bootstrap));
        cluster.kafka().restart();
        finish(run, window);
    }

    @Test
    @Order(5)
    void postgresStoppedForThirtySecondsMidCrawl() throws Exception {
        assertThat(Outages.localPostgres(pg)).as("the fault tests stop the local PostgreSQL cluster; run them against it").isTrue();
        Run run = begin("postgres-down");
        awaitFetched(run, 0.3);
        long window = leased(run);
        Outages.postgres("stop");
        try {
            await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).until(() -> !Outages.reachable(pg));
        } finally {
            Outages.postgres("start");
        }
        finish(run, window);
    }

    @Test
    @Order(6)
    void rebalanceByAddingAndRemovingInstances() throws Exception {
        Run run = begin("rebalance");
        awaitFetched(run, 0.2);
        cluster.add("fetcher", 1);
        cluster.add("analyzer", 1);
        awaitFetched(run, 0.5);
        long window = leased(run);
        cluster.end(member("fetcher"), false);
        finish(run, window);
    }

    record Run(String id, List<DemoSite> sites, int pages, int images) {
    }

    private Run begin(String name) {
        List<DemoSite> sites = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            sites.add(DemoSite.start("127.0.0.1", 0, PAGES_PER_HOST, PAGES_PER_IMAGE, ++seed));
        }
        String id = name + "-" + Long.toHexString(System.nanoTime());
        jobs.start(new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, sites.stream().map(DemoSite::seedUrl).toList(),
                new CrawlScope(List.of(), List.of(), List.of(), List.of(), 50, 0, 0, null, true, 0, true),
                new Politeness(DELAY_MS, 1, 0, 0, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now()));
        int images = sites.stream().mapToInt(s -> s.imageTexts().size()).sum();
        System.out.printf("%s: crawl %s of %d pages and %d images on %d hosts%n", name, id, HOSTS * PAGES_PER_HOST, images, HOSTS);
        return new Run(id, sites, HOSTS * PAGES_PER_HOST, images);
    }

    private void awaitFetched(Run run, double fraction) {
        await().atMost(Duration.ofMinutes(3)).until(() -> pageHits(run) >= fraction * run.pages());
    }

    private static long pageHits(Run run) {
        return run.sites().stream().flatMap(s -> s.hits().entrySet().stream()).filter(e -> e.getKey().startsWith("/page/"))
                .count();
    }

    private LocalCluster.Member member(String node) {
        return cluster.members().stream().filter(m -> m.name().startsWith(node + "-") && m.alive()).findFirst()
                .orElseThrow(() -> new AssertionError("no live " + node));
    }

    private long leased(Run run) throws Exception {
        return count(run, "SELECT count(*) FROM urls WHERE crawl_id = ? AND status = 'LEASED'");
    }

    private long count(Run run, String sql) throws Exception {
        try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password()); PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, run.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The run's page URLs without a FETCHED page, each with its registry row and its page's outcome. */
    private List<String> unstoredPages(Run run) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password()); PreparedStatement ps = db.prepareStatement("""
                SELECT u.url, u.status, u.attempts, u.last_http_status, u.next_fetch_at, p.status, p.reason
                FROM urls u LEFT JOIN pages p ON p.crawl_id = u.crawl_id AND p.url_hash = u.url_hash
                WHERE u.crawl_id = ? AND u.kind = 'PAGE' AND p.status IS DISTINCT FROM 'FETCHED'""")) {
            ps.setString(1, run.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add("%s url=%s attempts=%d http=%s next=%s page=%s reason=%s".formatted(rs.getString(1), rs.getString(2), rs.getInt(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    /** Dead letters whose record belongs to the run's crawl, each as its error headers. */
    private List<String> deadLetters(Run run) {
        List<String> out = new ArrayList<>();
        try (TopicReader reader = TopicReader.builder(cluster.bootstrapServers()).fetchBytes(Topics.maxRecordBytes(10 << 20)).build(Topics.DEAD_LETTER)) {
            reader.readToEnd(Duration.ofSeconds(30), r -> {
                String value = r.value() == null ? "" : new String(r.value(), 0, Math.min(r.value().length, 100_000), StandardCharsets.ISO_8859_1);
                Header crawl = r.headers().lastHeader("crawl-id");
                if (value.contains(run.id()) || crawl != null && new String(crawl.value(), StandardCharsets.UTF_8).equals(run.id())) {
                    StringBuilder b = new StringBuilder();
                    r.headers().forEach(h -> b.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append(' '));
                    out.add(b.toString());
                }
            });
        }
        return out;
    }

    private void finish(Run run, long window) throws Exception {
        try {
            Optional<CrawlEvent> done = jobs.awaitCompletion(run.id(), Duration.ofMinutes(5), null);
            assertThat(done).as("completion event of %s", run.id()).isPresent();
            List<String> deadLetters = deadLetters(run);
            deadLetters.forEach(d -> System.out.println(run.id() + ": dead letter " + d));
            assertThat(deadLetters).as("dead letters of a crawl of a well-behaved site").isEmpty();
            assertThat(count(run, "SELECT count(*) FROM pages WHERE crawl_id = ? AND status = 'FETCHED'"))
                    .as("pages stored; not stored: %s", unstoredPages(run)).isEqualTo(run.pages());
            assertThat(count(run, "SELECT count(*) FROM images WHERE crawl_id = ? AND status = 'FETCHED'")).as("images stored").isEqualTo(run.images());
            assertThat(count(run, "SELECT count(*) FROM ocr_results WHERE crawl_id = ? AND status = 'OK'")).as("OCR results").isEqualTo(run.images());
            assertThat(count(run, """
                    SELECT count(*) FROM images i LEFT JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
                    WHERE i.crawl_id = ? AND o.content_hash IS NULL""")).as("images without OCR").isZero();

            long fetches = 0;
            long duplicates = 0;
            long minGapMs = Long.MAX_VALUE;
            for (DemoSite site : run.sites()) {
                for (var e : site.hits().entrySet()) {
                    if (!e.getKey().equals("/robots.txt")) {
                        fetches += e.getValue();
                        duplicates += e.getValue() - 1;
                    }
                }
                List<Long> times = site.requests().stream().map(DemoSite.Request::atNanos).sorted().toList();
                for (int i = 1; i < times.size(); i++) {
                    minGapMs = Math.min(minGapMs, (times.get(i) - times.get(i - 1)) / 1_000_000);
                }
            }
            long allowed = fetches / 10_000 + window;
            System.out.printf("%s: %d fetches, %d duplicate fetches (allowed %d = %d per 10,000 + in-flight window of %d leased URLs), "
                    + "smallest gap between requests to one host %d ms (delay %d ms), completion %s%n",
                    run.id(), fetches, duplicates, allowed, fetches / 10_000, window, minGapMs, DELAY_MS, done.get().counts());
            assertThat(duplicates).as("duplicate fetches").isLessThanOrEqualTo(allowed);
            assertThat(minGapMs).as("smallest gap between two requests to one host").isGreaterThanOrEqualTo(DELAY_MS);
        } finally {
            run.sites().forEach(DemoSite::close);
        }
    }
}
