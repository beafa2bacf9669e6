package dev.crawlocr.writer.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.writer.db.Database;
import dev.crawlocr.writer.sink.CrawlSink;
import dev.crawlocr.writer.sink.FetchResultSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The frontier's rules, straight against PostgreSQL: per-host caps, leases, retries, stale and refused outcomes. */
class LeaseRulesIT {
    private Database db;
    private final FetchResultSink sink = new FetchResultSink(2, Duration.ZERO, () -> { }, new SimpleMeterRegistry());

    @BeforeEach
    void migrate() {
        Postgres pg = TestServices.postgres();
        db = new Database(pg.createDatabase("leases"), pg.user(), pg.password(), 2, new SimpleMeterRegistry());
        db.migrate();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void sql(String... statements) throws SQLException {
        db.inTransaction("test", c -> {
            try (Statement s = c.createStatement()) {
                for (String st : statements) {
                    s.execute(st);
                }
            }
            return null;
        });
    }

    /** A crawl whose hosts may each have 300 leases out (no delay, 100 connections), so windows stay out of the way. */
    private void crawl(String id, String state) throws SQLException {
        crawl(id, state, "{\"minDelayMs\":0,\"maxConnectionsPerHost\":100}");
    }

    private void crawl(String id, String state, String politeness) throws SQLException {
        sql("INSERT INTO crawls (id, state, seeds, scope, politeness, ocr, created_at) VALUES ('" + id + "', '" + state
                + "', '[]', '{}', '" + politeness + "', '{}', now())");
    }

    /** Registers n due URLs of a host, with the URL hashes the writer computes ({@code Hashes.urlHash}). */
    private void queue(String crawl, String host, int n) throws SQLException {
        sql("INSERT INTO urls (crawl_id, url_hash, url, host, kind, depth, status, next_fetch_at) SELECT '" + crawl + "', "
                + "substring(sha256(convert_to('http://" + host + "/' || i, 'UTF8')) for 16), 'http://" + host + "/' || i, '" + host
                + "', 'PAGE', 0, 'QUEUED', now() - interval '1 second' * i FROM generate_series(1, " + n + ") i");
    }

    private Map<String, String> statusByUrl() throws SQLException {
        return db.inTransaction("test", (Connection c) -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT url, status FROM urls")) {
                java.util.HashMap<String, String> m = new java.util.HashMap<>();
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getString(2));
                }
                return m;
            }
        });
    }

    @Test
    void eachHostGetsTheWindowOfItsCrawlsContractAndStoppedCrawlsGetNothing() throws Exception {
        crawl("run", "RUNNING", "{\"minDelayMs\":500}"); // 2 requests/s, one connection: 3 leases out per host
        crawl("wide", "RUNNING", "{\"minDelayMs\":0,\"maxConnectionsPerHost\":4}"); // no delay: 3 per connection
        crawl("stop", "STOPPED");
        queue("run", "a.test", 10);
        queue("run", "b.test", 10);
        queue("wide", "w.test", 20);
        queue("stop", "c.test", 10);
        Leases leases = new Leases(db);
        Leases.Round round = leases.lease(100, Duration.ofMinutes(1));
        Map<String, Long> perHost = round.tasks().stream().collect(Collectors.groupingBy(FetchTask::host, Collectors.counting()));
        assertThat(perHost).isEqualTo(Map.of("a.test", 3L, "b.test", 3L, "w.test", 12L));
        assertThat(round.tasks()).allSatisfy(t -> assertThat(t.attempt()).isEqualTo(1));
        assertThat(round.expired()).isZero();
        assertThat(leases.lease(100, Duration.ofMinutes(1)).tasks()).as("every window is full").isEmpty();
    }

    @Test
    void aHostWithItsWindowOfUnexpiredLeasesGetsNoMoreUntilSomeEndAndOtherHostsGoOn() throws Exception {
        crawl("run", "RUNNING", "{\"minDelayMs\":500}");
        queue("run", "slow.test", 10);
        queue("run", "other.test", 2);
        Leases leases = new Leases(db);
        assertThat(leases.lease(100, Duration.ofMinutes(1)).tasks()).extracting(FetchTask::host)
                .containsExactlyInAnyOrder("slow.test", "slow.test", "slow.test", "other.test", "other.test");
        assertThat(leases.lease(100, Duration.ofMinutes(1)).tasks()).isEmpty();
        sql("UPDATE urls SET status = 'FETCHED', next_fetch_at = NULL, lease_until = NULL WHERE url IN ("
                + "SELECT url FROM urls WHERE host = 'slow.test' AND status = 'LEASED' ORDER BY url LIMIT 2)");
        assertThat(leases.lease(100, Duration.ofMinutes(1)).tasks()).hasSize(2).allSatisfy(t -> assertThat(t.host()).isEqualTo("slow.test"));
    }

    @Test
    void hostsAreServedInTurnSoABacklogOfOneHostHoldsUpNoOther() throws Exception {
        crawl("run", "RUNNING", "{\"minDelayMs\":0,\"maxConnectionsPerHost\":100}");
        queue("run", "aaa-backlog.test", 5000); // registered first, so its URLs are the oldest due
        for (int h = 0; h < 600; h++) {
            queue("run", "h" + h + ".test", 2);
        }
        Leases leases = new Leases(db);
        java.util.Set<String> served = new java.util.HashSet<>();
        for (int round = 0; round < 6; round++) {
            leases.lease(1000, Duration.ofMinutes(1)).tasks().forEach(t -> served.add(t.host()));
        }
        assertThat(served).as("hosts served in 6 rounds of 1,000").hasSize(601);
    }

    @Test
    void aNewSmallCrawlIsServedBesideACrawlWithAHugeBacklog() throws Exception {
        crawl("big", "RUNNING");
        for (int h = 0; h < 20; h++) {
            queue("big", "big" + h + ".test", 500);
        }
        crawl("small", "RUNNING");
        queue("small", "small.test", 10);
        List<FetchTask> round = new Leases(db).lease(100, Duration.ofMinutes(1)).tasks();
        assertThat(round.stream().filter(t -> t.crawlId().equals("small"))).as("the small crawl's URLs in the first round").hasSize(10);
    }

    @Test
    void concurrentSchedulersNeverLeaseAUrlTwice() throws Exception {
        crawl("run", "RUNNING");
        for (int h = 0; h < 20; h++) {
            queue("run", "h" + h + ".test", 100);
        }
        java.util.Queue<String> leased = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Runnable scheduler = () -> {
            Leases leases = new Leases(db);
            try {
                while (true) {
                    List<FetchTask> round = leases.lease(100, Duration.ofMinutes(1)).tasks();
                    if (round.isEmpty() && leased.size() >= 2000) {
                        return;
                    }
                    round.forEach(t -> leased.add(t.url()));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        runThreeAtOnce(scheduler);
        assertThat(leased).hasSize(2000).doesNotHaveDuplicates();
    }

    @Test
    void aLeaseIsNotTakenAgainUntilItExpires() throws Exception {
        crawl("run", "RUNNING");
        queue("run", "a.test", 1);
        Leases leases = new Leases(db);
        assertThat(leases.lease(10, Duration.ofMillis(300)).tasks()).hasSize(1);
        assertThat(leases.lease(10, Duration.ofMillis(300)).tasks()).isEmpty();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            Leases.Round again = leases.lease(10, Duration.ofMinutes(1));
            if (again.tasks().isEmpty()) {
                return false;
            }
            assertThat(again.expired()).isEqualTo(1);
            assertThat(again.tasks().get(0).attempt()).isEqualTo(2);
            return true;
        });
    }

    @Test
    void anExpiredLeaseIsHeldBackWhileOutcomesAwaitRecordingButNewUrlsAreLeased() throws Exception {
        crawl("run", "RUNNING");
        queue("run", "a.test", 1);
        Leases leases = new Leases(db);
        assertThat(leases.lease(10, Duration.ofMillis(1)).tasks()).hasSize(1);
        queue("run", "b.test", 1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> db.inTransaction("test", (Connection c) -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM urls WHERE status = 'LEASED' AND next_fetch_at <= now()")) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }));
        Leases.Round held = leases.lease(10, Duration.ofMinutes(1), false);
        assertThat(held.tasks()).extracting(FetchTask::host).containsExactly("b.test");
        assertThat(held.expired()).isZero();
        Leases.Round reclaimed = leases.lease(10, Duration.ofMinutes(1), true);
        assertThat(reclaimed.tasks()).extracting(FetchTask::host).containsExactly("a.test");
        assertThat(reclaimed.expired()).isEqualTo(1);
    }

    @Test
    void outcomesSetTheStatusRetryTransientErrorsAndRequeueReturnedTasksUncharged() throws Exception {
        crawl("run", "RUNNING");
        queue("run", "a.test", 4);
        Leases leases = new Leases(db);
        List<FetchTask> tasks = leases.lease(10, Duration.ofMillis(1)).tasks(); // leases that are over at once
        Map<String, FetchTask> byUrl = tasks.stream().collect(Collectors.toMap(FetchTask::url, Function.identity()));
        long t = System.currentTimeMillis();
        write(FetchResult.failure(byUrl.get("http://a.test/1"), FetchStatus.ERROR, 404, "HTTP 404", null, 3), t);
        write(FetchResult.failure(byUrl.get("http://a.test/2"), FetchStatus.FETCH_ERROR, 503, "HTTP 503", null, 3), t);
        write(FetchResult.failure(byUrl.get("http://a.test/3"), FetchStatus.RETURNED, 0, "lease expired before the fetch started", null, 3), t);
        write(FetchResult.failure(byUrl.get("http://a.test/4"), FetchStatus.DENIED, 0, "robots.txt disallows /release-notes", null, 3), t);
        assertThat(statusByUrl()).containsEntry("http://a.test/1", "ERROR").containsEntry("http://a.test/2", "FETCH_ERROR")
                .containsEntry("http://a.test/3", "QUEUED").containsEntry("http://a.test/4", "DENIED");

        // The transient error (retry delay 0 here) and the returned URL are due again, the returned one after a short
        // wait and without the attempt its first lease charged; the final ones are not due again.
        Map<String, FetchTask> again = new java.util.HashMap<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            leases.lease(10, Duration.ofMinutes(1)).tasks().forEach(task -> again.put(task.url(), task));
            return again.size() == 2;
        });
        assertThat(again.keySet()).containsExactlyInAnyOrder("http://a.test/2", "http://a.test/3");
        assertThat(again.get("http://a.test/2").attempt()).isEqualTo(2);
        assertThat(again.get("http://a.test/3").attempt()).isEqualTo(1);
        // The second transient error is the last attempt (max 2): the URL stays FETCH_ERROR and is never due again.
        write(FetchResult.failure(byUrl.get("http://a.test/2"), FetchStatus.FETCH_ERROR, 503, "HTTP 503", null, 3), t + 10);
        // A task returned from an expired lease never cancels a lease that is still running.
        write(FetchResult.failure(byUrl.get("http://a.test/3"), FetchStatus.RETURNED, 0, "lease expired before the fetch started", null, 3), t + 10);
        assertThat(statusByUrl()).containsEntry("http://a.test/3", "LEASED");
        // An older outcome arriving late changes nothing.
        write(FetchResult.failure(byUrl.get("http://a.test/1"), FetchStatus.DENIED, 0, "robots.txt", null, 3), t - 10);
        assertThat(statusByUrl()).containsEntry("http://a.test/1", "ERROR").containsEntry("http://a.test/2", "FETCH_ERROR");
        assertThat(leases.lease(10, Duration.ofMinutes(1)).tasks()).isEmpty();
    }

    @Test
    void aTaskHandedBackAfterItsUrlWasFetchedLeavesTheStoredPageAndImageAlone() throws Exception {
        crawl("run", "RUNNING");
        queue("run", "a.test", 2);
        sql("""
                INSERT INTO urls (crawl_id, url_hash, url, host, kind, depth, status, next_fetch_at)
                VALUES ('run', substring(sha256(convert_to('http://a.test/i.png', 'UTF8')) for 16), 'http://a.test/i.png', 'a.test',
                        'IMAGE', 1, 'QUEUED', now())""");
        Leases leases = new Leases(db);
        Map<String, FetchTask> byUrl = leases.lease(10, Duration.ofMinutes(1)).tasks().stream()
                .collect(Collectors.toMap(FetchTask::url, Function.identity()));
        FetchTask page = byUrl.get("http://a.test/1");
        FetchTask image = byUrl.get("http://a.test/i.png");
        long t = System.currentTimeMillis();
        write(fetched(page, "Harbour lights"), t);
        write(fetched(image, null), t);
        // A second copy of each task (a redelivery) is handed back untried, later than the fetch was stored.
        write(FetchResult.failure(page, FetchStatus.RETURNED, 0, "lease expired before the fetch started", null, 0), t + 10);
        write(FetchResult.failure(image, FetchStatus.RETURNED, 0, "lease expired before the fetch started", null, 0), t + 10);
        // In one batch, a hand-back later than a fetch of the same URL loses to it.
        FetchTask other = byUrl.get("http://a.test/2");
        List<FetchResultSink.Outcome> batch = List.of(outcome(fetched(other, "Lamp room"), t),
                outcome(FetchResult.failure(other, FetchStatus.RETURNED, 0, "handed back", null, 0), t + 10));
        db.inTransaction("test", c -> {
            sink.write(c, batch);
            return null;
        });

        assertThat(strings("SELECT url || ' ' || status || ' ' || coalesce(title, '') FROM pages ORDER BY url"))
                .containsExactly("http://a.test/1 FETCHED Harbour lights", "http://a.test/2 FETCHED Lamp room");
        assertThat(strings("SELECT status || ' ' || content_hash FROM images")).containsExactly("FETCHED hash-i");
        assertThat(statusByUrl()).containsEntry("http://a.test/1", "FETCHED").containsEntry("http://a.test/2", "FETCHED")
                .containsEntry("http://a.test/i.png", "FETCHED");
    }

    private static FetchResult fetched(FetchTask task, String title) {
        boolean image = title == null;
        return new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), task.kind(), task.depth(), FetchStatus.FETCHED, null,
                task.url(), 200, image ? "image/png" : "text/html", title, image ? null : "text of " + title, false,
                image ? "hash-i" : "hash-" + title.hashCode(), 100, 0, Map.of(), List.of(), null, System.currentTimeMillis(), 5, 1,
                task.maxRequests(), 0, task.leaseUntilMs());
    }

    private void limitedCrawl(String id, long maxPages, long maxPagesPerHost, long maxRequests) throws SQLException {
        sql("INSERT INTO crawls (id, state, seeds, scope, politeness, ocr, created_at) VALUES ('" + id + "', 'RUNNING', '[]', "
                + "'{\"maxPages\": " + maxPages + ", \"maxPagesPerHost\": " + maxPagesPerHost + "}', "
                + "'{\"maxRequestsTotal\": " + maxRequests + ", \"minDelayMs\": 0, \"maxConnectionsPerHost\": 100}', '{}', now())");
    }

    /** Makes URLs held back by a cap due again now, as they are after {@link Leases#WAIT_SECONDS}. */
    private void waitOver() throws SQLException {
        sql("UPDATE urls SET next_fetch_at = now() WHERE status = 'QUEUED'");
    }

    private static FetchResult fetched(FetchTask t, int requests) {
        return FetchResult.failure(t, FetchStatus.FETCHED, 200, null, null, 1).forTask(t, requests);
    }

    @Test
    void pageCapsPerHostAndPerCrawlHoldPlacesForLeasedPagesAndRefuseOnceFetchedPagesFillThem() throws Exception {
        limitedCrawl("cap", 5, 3, 0);
        queue("cap", "a.test", 10);
        queue("cap", "b.test", 10);
        Leases leases = new Leases(db);
        Leases.Round first = leases.lease(100, Duration.ofMinutes(1));
        Map<String, List<FetchTask>> byHost = first.tasks().stream().collect(Collectors.groupingBy(FetchTask::host));
        assertThat(byHost.get("a.test")).as("maxPagesPerHost").hasSize(3);
        assertThat(first.tasks()).as("maxPages").hasSize(5);
        assertThat(first.denied()).as("nothing is fetched yet, so nothing is refused for good").isEmpty();
        assertThat(first.waiting()).isEqualTo(15);
        assertThat(first.tasks()).allSatisfy(t -> assertThat(t.maxRequests()).as("no request budget").isZero());

        long t = System.currentTimeMillis();
        for (FetchTask a : byHost.get("a.test")) {
            write(fetched(a, 1), t);
        }
        List<FetchTask> b = byHost.get("b.test");
        write(fetched(b.get(0), 1), t);
        write(FetchResult.failure(b.get(1), FetchStatus.ERROR, 404, "HTTP 404", null, 1), t); // gives its place back
        waitOver();
        Leases.Round second = leases.lease(100, Duration.ofMinutes(1));
        assertThat(second.tasks()).extracting(FetchTask::host).containsExactly("b.test");
        assertThat(second.denied()).hasSize(7).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(FetchStatus.DENIED);
            assertThat(r.reason()).isEqualTo("page cap reached: maxPagesPerHost 3 for a.test");
        });
        assertThat(second.waiting()).isEqualTo(7);

        write(fetched(second.tasks().get(0), 1), t);
        waitOver();
        Leases.Round last = leases.lease(100, Duration.ofMinutes(1));
        assertThat(last.tasks()).isEmpty();
        assertThat(last.denied()).hasSize(7).allSatisfy(r -> assertThat(r.reason()).isEqualTo("page cap reached: maxPages 5 for the crawl"));
        for (FetchResult r : last.denied()) {
            write(r, r.fetchedAtMs());
        }
        for (FetchResult r : second.denied()) {
            write(r, r.fetchedAtMs());
        }
        Map<String, Long> statuses = statusByUrl().values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(statuses).isEqualTo(Map.of("FETCHED", 5L, "ERROR", 1L, "DENIED", 14L));
    }

    @Test
    void theRequestBudgetIsChargedPerLeaseAndGivenBackForRequestsNotSent() throws Exception {
        limitedCrawl("budget", 0, 0, 5);
        queue("budget", "a.test", 10);
        Leases leases = new Leases(db);
        Leases.Round first = leases.lease(100, Duration.ofMinutes(1));
        assertThat(first.tasks()).extracting(FetchTask::maxRequests).containsExactly(2, 2, 1);
        assertThat(first.waiting()).isEqualTo(7);
        long t = System.currentTimeMillis();
        write(fetched(first.tasks().get(0), 2), t); // robots.txt and the page
        write(fetched(first.tasks().get(1), 1), t);
        write(FetchResult.failure(first.tasks().get(2), FetchStatus.FETCH_ERROR, 0, "request allowance of the task spent", null, 1)
                .forTask(first.tasks().get(2), 1), t);
        waitOver();
        Leases.Round second = leases.lease(100, Duration.ofMinutes(1));
        assertThat(second.tasks()).as("4 of 5 requests spent").extracting(FetchTask::maxRequests).containsExactly(1);
        assertThat(second.denied()).as("a lease is out and may return its request").isEmpty();
        write(fetched(second.tasks().get(0), 1), t + 10);
        waitOver();
        Leases.Round last = leases.lease(100, Duration.ofMinutes(1));
        assertThat(last.tasks()).isEmpty();
        assertThat(last.denied()).hasSize(7).allSatisfy(r -> assertThat(r.reason()).isEqualTo("request budget of the crawl spent (5 requests)"));
    }

    @Test
    void concurrentSchedulersNeverLeaseMorePagesThanTheCap() throws Exception {
        limitedCrawl("cap", 50, 0, 120);
        for (int h = 0; h < 20; h++) {
            queue("cap", "h" + h + ".test", 100);
        }
        java.util.Queue<FetchTask> leased = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Runnable scheduler = () -> {
            Leases leases = new Leases(db);
            try {
                for (int i = 0; i < 30; i++) { // 3 x 30 rounds of 7 touch at most 630 of the 2,000 URLs: each round finds fresh ones
                    leased.addAll(leases.lease(7, Duration.ofMinutes(1)).tasks());
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        runThreeAtOnce(scheduler);
        assertThat(leased).hasSize(50).extracting(FetchTask::url).doesNotHaveDuplicates();
        assertThat(leased.stream().mapToInt(FetchTask::maxRequests).sum()).as("request budget").isEqualTo(100);
    }

    @Test
    void usageIsKeptAsUrlsChangeAndAlwaysEqualsACountOverTheRegistry() throws Exception {
        limitedCrawl("use", 40, 6, 60);
        crawl("free", "RUNNING");
        for (String host : List.of("a.test", "b.test", "c.test")) {
            queue("use", host, 12);
            queue("free", host, 5);
        }
        Leases leases = new Leases(db);
        CrawlSink jobs = new CrawlSink(() -> { }, new SimpleMeterRegistry());
        long t = System.currentTimeMillis();
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 8; round++) {
            Leases.Round r = leases.lease(20, round % 3 == 0 ? Duration.ofMillis(1) : Duration.ofMinutes(1));
            for (FetchTask task : r.tasks()) {
                FetchResult outcome = switch (random.nextInt(6)) {
                    case 0 -> fetched(task, Math.max(1, task.maxRequests()));
                    case 1 -> FetchResult.failure(task, FetchStatus.ERROR, 404, "HTTP 404", null, 1).forTask(task, 1);
                    case 2 -> FetchResult.failure(task, FetchStatus.FETCH_ERROR, 503, "HTTP 503", null, 1).forTask(task, 1);
                    case 3 -> FetchResult.failure(task, FetchStatus.RETURNED, 0, "handed back", null, 1);
                    case 4 -> FetchResult.failure(task, FetchStatus.REDIRECT, 301, null, "http://elsewhere.test/", 1).forTask(task, 1);
                    default -> null; // no outcome: the lease stays out, or expires
                };
                if (outcome != null) {
                    write(outcome, t + round);
                    if (random.nextInt(4) == 0) {
                        write(outcome, t + round); // redelivered: changes nothing
                    }
                }
            }
            for (FetchResult denied : r.denied()) {
                write(denied, denied.fetchedAtMs());
            }
            assertUsageMatchesTheRegistry();
            if (round == 4) {
                db.inTransaction("test", c -> {
                    jobs.write(c, List.of(job("use", "STOPPED")));
                    return null;
                });
                assertUsageMatchesTheRegistry();
                assertThat(count("SELECT count(*) FROM urls WHERE crawl_id = 'use' AND next_fetch_at IS NOT NULL"))
                        .as("a stopped crawl's URLs leave the due index").isZero();
                db.inTransaction("test", c -> {
                    jobs.write(c, List.of(job("use", "RUNNING")));
                    return null;
                });
                assertUsageMatchesTheRegistry();
            }
            waitOver();
        }
        assertThat(leases.foldUsage()).as("nothing to fold yet: few rows per host").isZero();
        sql("INSERT INTO url_usage SELECT 'use', 'a.test', 0, 0, 0 FROM generate_series(1, " + (UrlUsage.FOLD_SLACK + 10) + ")");
        assertThat(leases.foldUsage()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM url_usage WHERE crawl_id = 'use'")).as("one row per host that used something")
                .isLessThanOrEqualTo(3);
        assertUsageMatchesTheRegistry();
    }

    private static CrawlJob job(String id, String state) {
        return Json.decode(("{\"schema\":1,\"crawlId\":\"" + id + "\",\"state\":\"" + state + "\",\"seeds\":[\"http://a.test/1\"],"
                + "\"scope\":{\"maxPages\":40,\"maxPagesPerHost\":6},\"politeness\":{\"maxRequestsTotal\":60,\"minDelayMs\":0,"
                + "\"maxConnectionsPerHost\":100},\"createdAt\":\"2026-11-30T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8), CrawlJob.class);
    }

    /** The usage rows of every crawl and host sum to what counting the registry's rows gives. */
    private void assertUsageMatchesTheRegistry() throws SQLException {
        String kept = "SELECT crawl_id || ' ' || host || ' ' || sum(page_slots) || ' ' || sum(pages_fetched) || ' ' || sum(requests_charged)"
                + " FROM url_usage GROUP BY crawl_id, host HAVING sum(page_slots) <> 0 OR sum(pages_fetched) <> 0 OR sum(requests_charged) <> 0"
                + " ORDER BY 1";
        String counted = "SELECT crawl_id || ' ' || host || ' ' || sum(crawlocr_page_slot(kind, status, next_fetch_at)) || ' '"
                + " || count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED') || ' ' || sum(requests_charged) FROM urls"
                + " GROUP BY crawl_id, host HAVING sum(crawlocr_page_slot(kind, status, next_fetch_at)) <> 0"
                + " OR count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED') <> 0 OR sum(requests_charged) <> 0 ORDER BY 1";
        assertThat(strings(kept)).isEqualTo(strings(counted)).isNotEmpty();
    }

    private List<String> strings(String query) throws SQLException {
        return db.inTransaction("test", (Connection c) -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        });
    }

    private long count(String query) throws SQLException {
        return Long.parseLong(strings(query).getFirst());
    }

    /** Runs {@code scheduler} on three threads at once and waits for all of them. */
    private static void runThreeAtOnce(Runnable scheduler) throws Exception {
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
            var futures = List.of(pool.submit(scheduler), pool.submit(scheduler), pool.submit(scheduler));
            for (var f : futures) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private void write(FetchResult r, long fetchedAt) throws SQLException {
        FetchResultSink.Outcome o = outcome(r, fetchedAt);
        db.inTransaction("test", c -> {
            sink.write(c, List.of(o));
            return null;
        });
    }

    /** {@code r} as the sink decodes it from {@code crawl.pages}, fetched at {@code fetchedAt}. */
    private FetchResultSink.Outcome outcome(FetchResult r, long fetchedAt) {
        FetchResult timed = new FetchResult(r.schema(), r.crawlId(), r.url(), r.kind(), r.depth(), r.status(), r.reason(), r.finalUrl(),
                r.httpStatus(), r.contentType(), r.title(), r.text(), r.truncated(), r.contentHash(), r.bytes(), r.outlinkCount(),
                r.droppedLinks(), r.imageUrls(), r.redirectTo(), fetchedAt, r.fetchMs(), r.requests(), r.maxRequests(), r.linkRecords(), r.leaseUntilMs());
        return sink.decode(new ConsumerRecord<>(Topics.PAGES, 0, 0, null, Json.encode(timed)));
    }
}
