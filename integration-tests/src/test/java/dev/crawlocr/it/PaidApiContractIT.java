package dev.crawlocr.it;

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
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.ctl.CrawlJobs;
import dev.crawlocr.ctl.Crawlctl;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.localcluster.LocalCluster;
import dev.crawlocr.localcluster.PaidApi;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Collecting from a pay-per-request API within its usage contract: {@link PaidApi} serves one API on three
 * loopback hosts, requires a bearer token, charges every request and answers 429 (recording a violation) above
 * {@value #RATE} requests in any second or {@value #CONNECTIONS} requests in progress across its hosts. Crawls of
 * URL lists run on a local cluster of separate processes with two fetchers, the token given to the fetchers as a
 * secret and referenced by the crawl's header. The 20,000-request job has the fetcher that holds it killed (SIGKILL)
 * and replaced midway; a budgeted job smaller than its list must be charged its budget exactly. Afterwards no topic,
 * table, log, metric or export holds the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaidApiContractIT {
    static final int RATE = 100;
    static final int CONNECTIONS = 4;
    static final int JOB = Integer.getInteger("contract.requests", 20_000);
    static final int BUDGET_LIST = 3_000;
    static final int BUDGET = 2_000;
    static final String TOKEN = "tok-" + UUID.randomUUID();
    static final String SECRET = "PAID_TOKEN";

    PaidApi api;
    LocalCluster cluster;
    Postgres pg;
    String dbUrl;
    CommonConfig kafka;
    CrawlJobs jobs;

    @BeforeAll
    void start() throws Exception {
        api = PaidApi.start(PaidApi.DEFAULT_ADDRESSES, 0, TOKEN, RATE, CONNECTIONS, Duration.ofMillis(5));
        pg = TestServices.postgres();
        dbUrl = pg.createDatabase("contract");
        Path home = Path.of(System.getProperty("crawlocr.home", "..")).toAbsolutePath().normalize();
        cluster = new LocalCluster(Files.createTempDirectory("crawlocr-contract"), home);
        cluster.start(new LocalCluster.Spec(2, 1, 1, false, 0, dbUrl, pg.user(), pg.password(), Map.of(
                "FETCHER_ALLOW_NETWORKS", "127.0.0.0/8",
                "CRAWLOCR_SECRET_" + SECRET, TOKEN,
                "KAFKA_TOPIC_PARTITIONS", "12",
                "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000",
                "KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000",
                "WRITER_LEASE", "20s",
                "ANALYZER_WORKERS", "1")));
        kafka = new CommonConfig(cluster.bootstrapServers(), true, 12, 10 << 20, 0, "contract");
        jobs = new CrawlJobs(kafka);
        System.out.println("paid API " + api + "; cluster in " + cluster.dir());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.stop();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    @Order(1)
    void aTwentyThousandRequestJobKeepsTheContractThroughAKilledFetcher() throws Exception {
        List<String> urls = items(0, JOB);
        StringBuilder list = new StringBuilder("# items of the paid API\n");
        for (int i = 0; i < urls.size(); i++) {
            list.append(urls.get(i)).append('\n');
            if (i == 7 || i == JOB / 2) {
                list.append("not a url\n"); // reported with its line number, the rest kept
            }
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CrawlJob job = job("contract-" + Long.toHexString(System.nanoTime()), 0);
        long startedMs = System.currentTimeMillis();
        CrawlJobs.ListSent sent = jobs.startWithList(job, new BufferedReader(new StringReader(list.toString())), "items.txt",
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(sent.urls()).isEqualTo(JOB);
        assertThat(sent.refused()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("items.txt:10: not an absolute http(s) URL")
                .contains("items.txt:" + (JOB / 2 + 4) + ": not an absolute http(s) URL");

        await().atMost(Duration.ofMinutes(3)).until(() -> api.charged() >= JOB * 3L / 10);
        LocalCluster.Member holder = busiestFetcher();
        String leased = "SELECT url FROM urls WHERE crawl_id = ? AND status = 'LEASED'";
        Set<String> leasedAtKill = new HashSet<>(strings(job, leased));
        long killedAt = System.currentTimeMillis();
        cluster.end(holder, true);
        leasedAtKill.addAll(strings(job, leased)); // and those leased meanwhile: the dead fetcher's stay leased
        cluster.add("fetcher", 1);
        System.out.printf("killed %s (the fetcher holding the crawl) after %d requests; started a replacement%n", holder.name(), api.charged());

        Optional<CrawlEvent> done = jobs.awaitCompletion(job.crawlId(), Duration.ofMinutes(8), null);
        assertThat(done).as("completion event").isPresent();
        List<Long> times = fetchTimes(job);
        double overall = (times.size() - 1) * 1000.0 / (times.getLast() - times.getFirst());
        long failover = largestGap(times);
        double served = (times.size() - 2) * 1000.0 / (times.getLast() - times.getFirst() - failover);
        System.out.printf("%d requests charged for %d URLs in %.1f s: %.1f requests/s overall (%.1f%% of %d/s), %.1f/s while a fetcher"
                        + " held the crawl (%.1f%%; the failover took %.1f s); %d URLs requested twice (%d were leased at the kill); peak"
                        + " concurrency %d; the fastest %d requests took %s%n", api.charged(), JOB, (System.currentTimeMillis() - startedMs) / 1000.0,
                overall, 100 * overall / RATE, RATE, served, 100 * served / RATE, failover / 1000.0, api.repeatedUrls().size(), leasedAtKill.size(),
                api.peakConcurrency(), RATE + 1, api.tightestWindow());
        assertThat(api.violations()).as("requests over the contract's rate or connections").isEmpty();
        assertThat(api.unauthenticated()).as("requests without the token").isZero();
        assertThat(count(job, "SELECT count(*) FROM pages WHERE crawl_id = ? AND status = 'FETCHED' AND body_json IS NOT NULL"))
                .as("responses stored, with their JSON").isEqualTo(JOB);
        assertThat(count(job, "SELECT count(*) FROM urls WHERE crawl_id = ?")).as("URLs registered once each").isEqualTo(JOB);
        assertThat(count(job, "SELECT count(DISTINCT body_json->>'id') FROM pages WHERE crawl_id = ?")).isEqualTo(JOB);

        assertThat(served).as("requests per second while a fetcher held the crawl").isGreaterThanOrEqualTo(0.95 * RATE);
        assertThat(failover).as("the failover: the kill was at %d", killedAt).isLessThan(30_000);
        // The killed fetcher's tasks come again: those whose outcome it took down with it (still leased at the kill),
        // and those fetched and recorded whose frontier offsets it had not committed yet (delivered again to the new
        // owner with their lease still running). Each kind is at most one lease window.
        assertThat(api.repeatedUrls().size()).as("URLs requested twice: at most two lease windows of the killed fetcher")
                .isLessThanOrEqualTo(2 * leasedAtKill.size());
    }

    @Test
    @Order(2)
    void aBudgetBelowTheJobIsChargedExactly() throws Exception {
        List<String> urls = items(1_000_000, BUDGET_LIST);
        CrawlJob job = job("budget-" + Long.toHexString(System.nanoTime()), BUDGET);
        jobs.startWithList(job, new BufferedReader(new StringReader(String.join("\n", urls))), "budget.txt", System.err);
        Optional<CrawlEvent> done = jobs.awaitCompletion(job.crawlId(), Duration.ofMinutes(3), null);
        assertThat(done).as("completion event").isPresent();
        long charged = urls.stream().mapToLong(api::charges).sum();
        assertThat(charged).as("requests the API charged for the job").isEqualTo(BUDGET);
        assertThat(count(job, "SELECT count(*) FROM pages WHERE crawl_id = ? AND status = 'FETCHED'")).isEqualTo(BUDGET);
        assertThat(count(job, "SELECT count(*) FROM pages WHERE crawl_id = ? AND status = 'DENIED' AND reason LIKE 'request budget%'"))
                .isEqualTo(BUDGET_LIST - BUDGET);
        assertThat(api.violations()).isEmpty();
    }

    @Test
    @Order(3)
    void anOverloadAnswerWithRetryAfterPausesEveryHostOfTheCrawl() throws Exception {
        List<String> urls = items(2_000_000, 1_500);
        CrawlJob job = job("overload-" + Long.toHexString(System.nanoTime()), 0);
        jobs.startWithList(job, new BufferedReader(new StringReader(String.join("\n", urls))), "overload.txt", System.err);
        long before = api.charged();
        await().atMost(Duration.ofMinutes(2)).until(() -> api.charged() - before >= 300);
        api.overload(Duration.ofSeconds(2), 2, 503);
        Optional<CrawlEvent> done = jobs.awaitCompletion(job.crawlId(), Duration.ofMinutes(3), null);
        assertThat(done).as("completion event").isPresent();
        System.out.printf("overload: %d requests arrived inside a Retry-After period%n", api.ignoredRetryAfter());
        assertThat(api.ignoredRetryAfter()).as("requests inside a Retry-After period: only those already sent when it was answered")
                .isLessThanOrEqualTo(CONNECTIONS);
        assertThat(count(job, "SELECT count(*) FROM pages WHERE crawl_id = ? AND status = 'FETCHED' AND body_json IS NOT NULL"))
                .isEqualTo(urls.size());
        assertThat(api.violations()).isEmpty();
    }

    @Test
    @Order(4)
    void theTokenIsInNoTopicTableLogMetricOrExport() throws Exception {
        List<String> found = new ArrayList<>();
        byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
        for (String topic : Topics.ALL) {
            try (TopicReader reader = TopicReader.builder(cluster.bootstrapServers()).fetchBytes(Topics.maxRecordBytes(10 << 20)).build(topic)) {
                long[] records = {0};
                reader.readToEnd(Duration.ofSeconds(60), r -> {
                    records[0]++;
                    if (contains(r.key(), token) || contains(r.value(), token)) {
                        found.add(topic + " record at offset " + r.offset());
                    }
                    r.headers().forEach(h -> {
                        if (contains(h.value(), token)) {
                            found.add(topic + " header " + h.key());
                        }
                    });
                });
                System.out.printf("scanned %d records of %s%n", records[0], topic);
            }
        }
        try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password()); Statement st = db.createStatement();
             ResultSet tables = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String table : names) {
                try (Statement q = db.createStatement();
                     ResultSet rs = q.executeQuery("SELECT count(*) FROM \"" + table + "\" t WHERE strpos(t::text, '" + TOKEN + "') > 0")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        found.add("table " + table + ": " + rs.getLong(1) + " rows");
                    }
                }
            }
            assertThat(names).contains("pages", "urls", "crawls", "fetch_errors");
        }
        try (Stream<Path> logs = Files.walk(cluster.dir().resolve("logs"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                if (Files.readString(log, StandardCharsets.ISO_8859_1).contains(TOKEN)) {
                    found.add("log " + log.getFileName());
                }
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        for (LocalCluster.Member m : cluster.members()) {
            if (m.alive() && m.opsPort() > 0) {
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.opsPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (metrics.contains(TOKEN)) {
                    found.add("metrics of " + m.name());
                }
            }
        }
        for (String crawl : crawlIds()) {
            Path export = Files.createTempFile("contract-export", ".jsonl");
            int code = Crawlctl.run(new String[] {"--bootstrap-servers", cluster.bootstrapServers(), "--db-url", dbUrl, "--db-user", pg.user(),
                    "--db-password", pg.password(), "export", "--crawl", crawl, "--format", "jsonl", "-o", export.toString()});
            assertThat(code).isZero();
            assertThat(Files.size(export)).isPositive();
            if (Files.readString(export).contains(TOKEN)) {
                found.add("export of " + crawl);
            }
        }
        assertThat(found).as("places holding the token").isEmpty();
    }

    /** URLs /items/{first}..{first + n - 1}, spread over the API's three hosts. */
    private List<String> items(int first, int n) {
        List<String> urls = new ArrayList<>(n);
        for (int i = first; i < first + n; i++) {
            urls.add(api.baseUrls().get(i % 3) + "/items/" + i);
        }
        return urls;
    }

    private static CrawlJob job(String id, long budget) {
        return new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, List.of(),
                new CrawlScope(List.of(), List.of(), List.of(), List.of(), 0, 0, 0, null, false, 0, false),
                new Politeness(0, 8, 0, budget, 0, RATE, CONNECTIONS), OcrSettings.defaults(), Instant.now(),
                new RequestSettings(Map.of("Authorization", "Bearer ${secret:" + SECRET + "}"), List.of("application/json"),
                        RequestSettings.DEFAULT_BODY_MAX_BYTES, true), CrawlJob.LIST_SENDING);
    }

    /** The live fetcher that has sent the most requests: the one holding the crawl. */
    private LocalCluster.Member busiestFetcher() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        LocalCluster.Member busiest = null;
        double most = -1;
        for (LocalCluster.Member m : cluster.members()) {
            if (!m.name().startsWith("fetcher-") || !m.alive()) {
                continue;
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.opsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double sent = metrics.lines().filter(l -> l.startsWith("fetcher_requests_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            if (sent > most) {
                most = sent;
                busiest = m;
            }
        }
        assertThat(busiest).isNotNull();
        return busiest;
    }

    /** When each of the crawl's responses was fetched, in ms, sorted. */
    private List<Long> fetchTimes(CrawlJob job) throws Exception {
        List<Long> times = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password());
             PreparedStatement ps = db.prepareStatement(
                     "SELECT (extract(epoch FROM fetched_at) * 1000)::bigint FROM pages WHERE crawl_id = ? ORDER BY fetched_at")) {
            ps.setString(1, job.crawlId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    times.add(rs.getLong(1));
                }
            }
        }
        return times;
    }

    private static long largestGap(List<Long> times) {
        long gap = 0;
        for (int i = 1; i < times.size(); i++) {
            gap = Math.max(gap, times.get(i) - times.get(i - 1));
        }
        return gap;
    }

    private Set<String> crawlIds() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password()); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM crawls")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private List<String> strings(CrawlJob job, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password()); PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, job.crawlId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private long count(CrawlJob job, String sql) throws Exception {
        try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password()); PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, job.crawlId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
