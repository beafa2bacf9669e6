package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.analyzer.AnalyzerNode;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.ctl.CrawlJobs;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.fetcher.FetcherNode;
import dev.crawlocr.localcluster.Cer;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.writer.WriterNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end: a seed URL goes through a fetcher, an analyzer and a writer (each its own
 * node instance with its own consumers) over a real Kafka broker, and ends as pages and OCR text in PostgreSQL.
 */
class PipelineIT {

    @Test
    void seedBecomesPagesAndOcrTextInPostgres() throws Exception {
        String bootstrap = TestServices.kafkaBootstrap();
        Postgres pg = TestServices.postgres();
        String dbUrl = pg.createDatabase("e2e");
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "OPS_PORT", "0", "KAFKA_TOPIC_PARTITIONS", "4");

        try (DemoSite site = DemoSite.start(24, 2);
             WriterNode writer = WriterNode.start(with(common, "DATABASE_URL", dbUrl, "DATABASE_USER", pg.user(), "DATABASE_PASSWORD", pg.password()));
             FetcherNode fetcher = FetcherNode.start(with(common, "FETCHER_ALLOW_NETWORKS", "127.0.0.0/8"));
             AnalyzerNode analyzer = AnalyzerNode.start(common)) {

            CrawlJobs jobs = new CrawlJobs(new CommonConfig(bootstrap, true, 4, 10 << 20, 0, "e2e"));
            String id = "e2e-" + System.nanoTime();
            jobs.start(new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, List.of(site.seedUrl()),
                    new CrawlScope(List.of(), List.of(), List.of(), List.of(), 20, 0, 0, null, true, 0, true),
                    new Politeness(10, 1, 0, 0, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now()));

            Optional<CrawlEvent> done = jobs.awaitCompletion(id, Duration.ofMinutes(4), null);
            assertThat(done).as("completion event of crawl %s", id).isPresent();

            try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password())) {
                Map<String, Long> pages = countByUrl(db, "SELECT url, count(*) FROM pages WHERE crawl_id = ? AND status = 'FETCHED' GROUP BY url", id);
                assertThat(pages.keySet()).containsExactlyInAnyOrderElementsOf(site.pageUrls());
                assertThat(pages.values()).as("rows per page").allMatch(n -> n == 1);

                Map<String, String> ocr = new HashMap<>();
                try (PreparedStatement ps = db.prepareStatement("""
                        SELECT i.url, o.text FROM images i JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
                        WHERE i.crawl_id = ? AND o.status = 'OK'""")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            assertThat(ocr.put(rs.getString(1), rs.getString(2))).as("one OCR row for %s", rs.getString(1)).isNull();
                        }
                    }
                }
                assertThat(ocr.keySet()).containsExactlyInAnyOrderElementsOf(site.imageTexts().keySet());
                site.imageTexts().forEach((url, text) ->
                        assertThat(Cer.of(text, ocr.get(url))).as("CER of %s: expected '%s', got '%s'", url, text, ocr.get(url)).isLessThanOrEqualTo(0.02));
            }
            Map<String, Integer> hits = site.hits();
            site.pageUrls().forEach(u -> assertThat(hits.get(u.substring(site.baseUrl().length()))).as("fetches of %s", u).isEqualTo(1));
            site.imageTexts().keySet().forEach(u -> assertThat(hits.get(u.substring(site.baseUrl().length()))).as("fetches of %s", u).isEqualTo(1));
            assertThat(hits).doesNotContainKey("/private/secret.html");
        }
    }

    @Test
    void twoWritersAndThreeFetchersFetchEachUrlExactlyOnce() throws Exception {
        ScaleOut env = ScaleOut.of("scaleout");
        List<DemoSite> sites = List.of(DemoSite.start("127.0.0.1", 0, 40, 4, 1), DemoSite.start("127.0.0.1", 0, 40, 4, 2),
                DemoSite.start("127.0.0.1", 0, 40, 4, 3));
        try (WriterNode w1 = WriterNode.start(env.writer()); WriterNode w2 = WriterNode.start(env.writer());
             FetcherNode f1 = FetcherNode.start(env.fetcher()); FetcherNode f2 = FetcherNode.start(env.fetcher()); FetcherNode f3 = FetcherNode.start(env.fetcher());
             AnalyzerNode analyzer = AnalyzerNode.start(env.common())) {
            CrawlJobs jobs = new CrawlJobs(new CommonConfig(env.bootstrap(), true, 4, 10 << 20, 0, "scaleout"));
            String id = "scaleout-" + System.nanoTime();
            jobs.start(new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, sites.stream().map(DemoSite::seedUrl).toList(),
                    new CrawlScope(List.of(), List.of(), List.of(), List.of(), 20, 0, 0, null, true, 0, true),
                    new Politeness(10, 1, 0, 0, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now()));
            Optional<CrawlEvent> done = jobs.awaitCompletion(id, Duration.ofMinutes(4), null);
            assertThat(done).as("completion event of crawl %s", id).isPresent();
            assertThat(done.get().counts()).containsEntry("pages", 120L).containsEntry("images", 30L).containsEntry("ocr", 30L);
            for (DemoSite site : sites) {
                site.hits().forEach((path, n) -> {
                    if (!path.equals("/robots.txt")) {
                        assertThat(n).as("fetches of %s%s", site.baseUrl(), path).isEqualTo(1);
                    }
                });
                assertThat(site.hits().keySet().stream().filter(p -> p.startsWith("/page/"))).hasSize(40);
            }
        } finally {
            sites.forEach(DemoSite::close);
        }
    }

    @Test
    void pageCapsAndTheRequestBudgetHoldCrawlWideAcrossTwoWritersThreeFetchersAndARebalance() throws Exception {
        ScaleOut env = ScaleOut.of("budgets");
        List<DemoSite> capped = List.of(DemoSite.start("127.0.0.1", 0, 40, 4, 4), DemoSite.start("127.0.0.1", 0, 40, 4, 5),
                DemoSite.start("127.0.0.1", 0, 40, 4, 6));
        List<DemoSite> budgeted = List.of(DemoSite.start("127.0.0.1", 0, 40, 4, 7), DemoSite.start("127.0.0.1", 0, 40, 4, 8));
        try (WriterNode w1 = WriterNode.start(env.writer()); WriterNode w2 = WriterNode.start(env.writer());
             FetcherNode f1 = FetcherNode.start(env.fetcher()); FetcherNode f2 = FetcherNode.start(env.fetcher());
             AnalyzerNode analyzer = AnalyzerNode.start(env.common())) {
            CrawlJobs jobs = new CrawlJobs(new CommonConfig(env.bootstrap(), true, 4, 10 << 20, 0, "budgets"));
            String caps = "caps-" + System.nanoTime();
            String budget = "budget-" + System.nanoTime();
            jobs.start(new CrawlJob(CrawlJob.SCHEMA, caps, CrawlJob.State.RUNNING, capped.stream().map(DemoSite::seedUrl).toList(),
                    new CrawlScope(List.of(), List.of(), List.of(), List.of(), 20, 15, 35, null, true, 0, true),
                    new Politeness(30, 1, 0, 0, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now()));
            jobs.start(new CrawlJob(CrawlJob.SCHEMA, budget, CrawlJob.State.RUNNING, budgeted.stream().map(DemoSite::seedUrl).toList(),
                    new CrawlScope(List.of(), List.of(), List.of(), List.of(), 20, 0, 0, null, true, 0, true),
                    new Politeness(30, 1, 0, 50, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now()));
            try (Connection db = DriverManager.getConnection(env.dbUrl(), env.pg().user(), env.pg().password())) {
                // a third fetcher joins mid-crawl and leaves again: two rebalances move hosts between fetchers
                org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> fetchedPages(db, caps) >= 10);
                try (FetcherNode f3 = FetcherNode.start(env.fetcher())) {
                    org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> fetchedPages(db, caps) >= 20);
                }
                assertThat(jobs.awaitCompletion(caps, Duration.ofMinutes(4), null)).as("completion of %s", caps).isPresent();
                assertThat(jobs.awaitCompletion(budget, Duration.ofMinutes(4), null)).as("completion of %s", budget).isPresent();

                assertThat(fetchedPages(db, caps)).as("maxPages").isEqualTo(35);
                for (DemoSite site : capped) {
                    long pagesServed = site.pageUrls().stream().filter(u -> site.hits().containsKey(u.substring(site.baseUrl().length()))).count();
                    assertThat(pagesServed).as("maxPagesPerHost at %s", site.baseUrl()).isLessThanOrEqualTo(15);
                }
                assertThat(countByUrl(db, "SELECT reason, count(*) FROM pages WHERE crawl_id = ? AND status = 'DENIED' GROUP BY reason", caps))
                        .containsKey("page cap reached: maxPages 35 for the crawl");

                int requestsServed = budgeted.stream().mapToInt(site -> site.requests().size()).sum();
                assertThat(requestsServed).as("requests of every kind against maxRequestsTotal 50").isLessThanOrEqualTo(50);
                assertThat(countByUrl(db, "SELECT reason, count(*) FROM pages WHERE crawl_id = ? AND status = 'DENIED' GROUP BY reason", budget))
                        .containsKey("request budget of the crawl spent (50 requests)");
            }
        } finally {
            capped.forEach(DemoSite::close);
            budgeted.forEach(DemoSite::close);
        }
    }

    /** Node environments for several nodes of each kind on 4 partitions, with a database of their own. */
    private record ScaleOut(String bootstrap, String dbUrl, Postgres pg, Map<String, String> common, Map<String, String> writer,
                            Map<String, String> fetcher) {
        static ScaleOut of(String database) {
            String bootstrap = TestServices.kafkaBootstrap();
            Postgres pg = TestServices.postgres();
            String dbUrl = pg.createDatabase(database);
            Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "OPS_PORT", "0", "KAFKA_TOPIC_PARTITIONS", "4");
            return new ScaleOut(bootstrap, dbUrl, pg, common,
                    with(common, "DATABASE_URL", dbUrl, "DATABASE_USER", pg.user(), "DATABASE_PASSWORD", pg.password()),
                    with(common, "FETCHER_ALLOW_NETWORKS", "127.0.0.0/8"));
        }
    }

    private static long fetchedPages(Connection db, String crawl) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM pages WHERE crawl_id = ? AND status = 'FETCHED'")) {
            ps.setString(1, crawl);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, Long> countByUrl(Connection db, String sql, String crawl) throws Exception {
        Map<String, Long> m = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, crawl);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return m;
    }

    static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
