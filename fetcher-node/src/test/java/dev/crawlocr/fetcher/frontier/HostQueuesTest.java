package dev.crawlocr.fetcher.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-host queues, connection limits, the global in-flight cap, caps per crawl and hand-back on revocation. */
class HostQueuesTest {
    private final List<TestSite> sites = new ArrayList<>();
    private Engines engines = new Engines();

    @AfterEach
    void close() {
        engines.close();
        sites.forEach(TestSite::close);
    }

    private TestSite site() {
        TestSite s = new TestSite();
        sites.add(s);
        return s;
    }

    /** A handler that holds each request until released, counting how many run at once. */
    private static final class Concurrency {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        void route(TestSite site, String path) {
            site.route(path, ex -> {
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    now.decrementAndGet();
                }
                TestSite.send(ex, 200, "text/html", "<title>ok</title>");
            });
        }
    }

    @Test
    void maxConnectionsPerHostIsNeverExceeded() {
        TestSite s = site();
        Concurrency c = new Concurrency();
        for (int i = 0; i < 6; i++) {
            c.route(s, "/p" + i);
        }
        engines.crawl("c", List.of(s.url("/")), CrawlScope.defaults(), new Politeness(0, 2, 0, 0, 0, 0, 0));
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(engines.engine.submit(Engines.task("c", s.url("/p" + i), UrlKind.PAGE, 1), 0));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> c.now.get() == 2);
        c.release.countDown();
        all.forEach(f -> assertThat(f.join().result().status()).isEqualTo(FetchStatus.FETCHED));
        assertThat(c.max.get()).isEqualTo(2);
    }

    @Test
    void theGlobalInflightCapHoldsAcrossHosts() {
        engines.close();
        engines = new Engines(Map.of("FETCHER_MAX_INFLIGHT", "3"));
        Concurrency c = new Concurrency();
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestSite s = site();
            c.route(s, "/slow");
            engines.crawl("c" + i, s.url("/"));
            all.add(engines.engine.submit(Engines.task("c" + i, s.url("/slow"), UrlKind.PAGE, 0), i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> c.now.get() == 3);
        assertThat(engines.registry.get("fetcher.requests.inflight").gauge().value()).isEqualTo(3);
        c.release.countDown();
        all.forEach(f -> assertThat(f.join().result().status()).isEqualTo(FetchStatus.FETCHED));
        assertThat(c.max.get()).isEqualTo(3);
    }

    @Test
    void aFullHostQueueAsksForAPauseAndRevocationHandsQueuedTasksBack() {
        engines.close();
        engines = new Engines(Map.of("FETCHER_HOST_QUEUE_MAX", "3", "FETCHER_READ_TIMEOUT", "10s", "FETCHER_TOTAL_TIMEOUT", "15s"));
        TestSite s = site();
        Concurrency c = new Concurrency();
        for (int i = 0; i < 5; i++) {
            c.route(s, "/p" + i);
        }
        engines.crawl("c", s.url("/"));
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(engines.engine.submit(Engines.task("c", s.url("/p" + i), UrlKind.PAGE, 1), 7));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> c.now.get() == 1);
        assertThat(engines.engine.isFull()).as("3 tasks wait for one host").isTrue();
        engines.engine.revoke(List.of(7));
        assertThat(engines.engine.isFull()).isFalse();
        assertThat(all.subList(2, 5)).as("queued tasks are handed back at once").allMatch(CompletableFuture::isDone);
        c.release.countDown();
        assertThat(all.getFirst().join().result().status()).as("the running task finishes").isEqualTo(FetchStatus.FETCHED);
        List<FetchResult> handedBack = all.stream().skip(1).map(f -> f.join().result()).toList();
        assertThat(handedBack).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(FetchStatus.RETURNED);
            assertThat(r.reason()).startsWith("handed back: the host moved to another fetcher");
        });
        assertThat(s.count("/p1") + s.count("/p2") + s.count("/p3") + s.count("/p4")).isZero();
    }

    @Test
    void expiredLeasesStoppedAndUnknownCrawlsAreRecorded() {
        TestSite s = site();
        s.route("/p", TestSite.html("<title>p</title>"));
        engines.crawl("c", s.url("/"));
        FetchTask expired = new FetchTask(FetchTask.SCHEMA, "c", s.url("/p"), s.hostKey(), UrlKind.PAGE, 0, 2, System.currentTimeMillis() - 1);
        FetchResult r = engines.engine.submit(expired, 0).join().result();
        assertThat(r.status()).isEqualTo(FetchStatus.RETURNED);
        assertThat(r.reason()).isEqualTo("lease expired before the fetch started");

        engines.job(engines.crawl("stopped", s.url("/")).withState(CrawlJob.State.STOPPED));
        FetchResult stopped = engines.fetch("stopped", s.url("/p")).result();
        assertThat(stopped.status()).isEqualTo(FetchStatus.DENIED);
        assertThat(stopped.reason()).isEqualTo("crawl stopped");
        FetchResult unknown = engines.fetch("nope", s.url("/p")).result();
        assertThat(unknown.status()).isEqualTo(FetchStatus.RETURNED);
        assertThat(unknown.reason()).isEqualTo("unknown crawl nope: no settings on crawl.jobs yet");

        FetchTask invalid = new FetchTask(FetchTask.SCHEMA, "c", "ftp://x/y", "x", UrlKind.PAGE, 0, 1, System.currentTimeMillis() + 60_000);
        FetchResult bad = engines.engine.submit(invalid, 0).join().result();
        assertThat(bad.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(bad.reason()).isEqualTo("invalid task URL: not an absolute http(s) URL");
        assertThat(s.count("/p")).isZero();
    }

    @Test
    void aLeaseThatRunsOutWhileWaitingForTheHostsTurnIsNotFetched() {
        TestSite s = site();
        s.route("/p", TestSite.html("<title>p</title>"));
        engines.crawl("c", List.of(s.url("/")), CrawlScope.defaults(), new Politeness(5_000, 1, 0, 0, 0, 0, 0));
        FetchTask shortLease = new FetchTask(FetchTask.SCHEMA, "c", s.url("/p"), s.hostKey(), UrlKind.PAGE, 0, 1, System.currentTimeMillis() + 1_000);
        FetchResult r = engines.engine.submit(shortLease, 0).join().result();
        assertThat(r.status()).isEqualTo(FetchStatus.RETURNED);
        assertThat(r.reason()).isEqualTo("lease expired before the host's politeness turn");
        assertThat(s.hits()).isEmpty();
    }

    @Test
    void aTaskSendsNoMoreRequestsThanItsAllowanceAndReportsWhatItSent() {
        TestSite s = site();
        s.route("/p", TestSite.html("<title>p</title>"));
        s.route("/q", TestSite.html("<title>q</title>"));
        s.route("/flaky", ex -> TestSite.send(ex, 503, "text/plain", "busy"));
        engines.crawl("c", List.of(s.url("/")), CrawlScope.defaults(), new Politeness(0, 1, 0, 100, 0, 0, 0));
        long lease = System.currentTimeMillis() + 60_000;

        FetchResult robotsOnly = engines.engine.submit(new FetchTask(FetchTask.SCHEMA, "c", s.url("/p"), s.hostKey(), UrlKind.PAGE,
                0, 1, lease, 1), 0).join().result();
        assertThat(robotsOnly.status()).as("robots.txt took the only request").isEqualTo(FetchStatus.RETURNED);
        assertThat(robotsOnly.reason()).isEqualTo("request allowance of the task spent (1 requests, robots.txt included)");
        assertThat(robotsOnly.requests()).isEqualTo(1);
        assertThat(robotsOnly.maxRequests()).isEqualTo(1);
        assertThat(s.count("/robots.txt")).isEqualTo(1);
        assertThat(s.count("/p")).isZero();

        FetchResult page = engines.engine.submit(new FetchTask(FetchTask.SCHEMA, "c", s.url("/q"), s.hostKey(), UrlKind.PAGE,
                0, 1, lease, 2), 0).join().result();
        assertThat(page.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(page.requests()).as("robots.txt is cached now").isEqualTo(1);

        FetchResult retried = engines.engine.submit(new FetchTask(FetchTask.SCHEMA, "c", s.url("/flaky"), s.hostKey(), UrlKind.PAGE,
                0, 1, lease, 2), 0).join().result();
        assertThat(retried.status()).isEqualTo(FetchStatus.FETCH_ERROR);
        assertThat(retried.requests()).as("retries stop at the allowance").isEqualTo(2);
        assertThat(s.count("/flaky")).isEqualTo(2);
        assertThat(s.hits()).hasSize(4);
    }
}
