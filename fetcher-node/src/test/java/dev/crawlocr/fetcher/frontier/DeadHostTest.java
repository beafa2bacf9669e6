package dev.crawlocr.fetcher.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.politeness.HostGate;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A host that stops answering, and a crawl that is stopped, end their queued tasks at once. */
class DeadHostTest {
    private final Engines engines = new Engines(Map.of("FETCHER_RETRY_BACKOFF", "200ms", "FETCHER_CONNECT_TIMEOUT", "1s",
            "FETCHER_READ_TIMEOUT", "1s", "FETCHER_UNREACHABLE_COOLDOWN", "1m"));

    @AfterEach
    void close() {
        engines.close();
    }

    @Test
    void aHostThatStoppedAnsweringEndsItsQueuedTasksAtOnceAndIsNotAskedAgain() {
        TestSite site = new TestSite();
        site.route("/p0", TestSite.html("<title>p0</title>"));
        engines.crawl("c", List.of(site.url("/")), CrawlScope.defaults(), new Politeness(0, 1, 0, 0, 0, 0, 0));
        assertThat(engines.fetch("c", site.url("/p0")).result().status()).isEqualTo(FetchStatus.FETCHED);
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            urls.add(site.url("/p" + i));
        }
        site.close(); // the server goes away mid-crawl: connections are refused from now on

        long start = System.nanoTime();
        List<CompletableFuture<Outcome>> outcomes = urls.stream().map(u -> engines.engine.submit(Engines.task("c", u, UrlKind.PAGE, 1), 0)).toList();
        List<FetchResult> results = outcomes.stream().map(f -> f.join().result()).toList();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(FetchStatus.FETCH_ERROR));
        long unreachable = results.stream().filter(r -> r.reason().startsWith("host unreachable: " + HostGate.UNREACHABLE_AFTER
                + " requests in a row without a response")).count();
        assertThat(unreachable).as("tasks ended without a request once %s failed in a row", HostGate.UNREACHABLE_AFTER).isGreaterThanOrEqualTo(38);
        // the first may go out on the connection kept alive from /p0, which the closed server dropped: that fails
        // otherwise than a refused connection does, and does not count as the host being silent
        assertThat(results.stream().mapToInt(FetchResult::requests).sum()).as("requests sent to the dead host")
                .isLessThanOrEqualTo(HostGate.UNREACHABLE_AFTER + 1);
        assertThat(seconds).as("40 queued tasks of a dead host end within seconds").isLessThan(10);
    }

    @Test
    void stoppingACrawlEndsItsQueuedTasksAndLeavesOtherCrawlsOnTheHostAlone() throws Exception {
        TestSite site = new TestSite();
        CountDownLatch release = new CountDownLatch(1);
        site.route("/slow", ex -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestSite.send(ex, 200, "text/html", "<title>slow</title>");
        });
        for (int i = 0; i < 5; i++) {
            site.route("/p" + i, TestSite.html("<title>p</title>"));
        }
        CrawlJob stopped = engines.crawl("stopped", List.of(site.url("/")), CrawlScope.defaults(), new Politeness(0, 1, 0, 0, 0, 0, 0));
        engines.crawl("other", List.of(site.url("/")), CrawlScope.defaults(), new Politeness(0, 1, 0, 0, 0, 0, 0));
        CompletableFuture<Outcome> running = engines.engine.submit(Engines.task("stopped", site.url("/slow"), UrlKind.PAGE, 1), 0);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> site.count("/slow") == 1);
        List<CompletableFuture<Outcome>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(engines.engine.submit(Engines.task("stopped", site.url("/p" + i), UrlKind.PAGE, 1), 0));
        }
        CompletableFuture<Outcome> other = engines.engine.submit(Engines.task("other", site.url("/p0"), UrlKind.PAGE, 1), 0);

        engines.job(stopped.withState(CrawlJob.State.STOPPED));
        engines.engine.queues().stopCrawl("stopped");
        assertThat(queued).as("the stopped crawl's queued tasks end at once").allMatch(CompletableFuture::isDone);
        assertThat(queued).allSatisfy(f -> {
            assertThat(f.join().result().status()).isEqualTo(FetchStatus.DENIED);
            assertThat(f.join().result().reason()).isEqualTo("crawl stopped");
        });
        assertThat(other).isNotDone();
        release.countDown();
        assertThat(running.join().result().status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(other.join().result().status()).as("the other crawl's task on the same host").isEqualTo(FetchStatus.FETCHED);
        assertThat(site.count("/p1") + site.count("/p2") + site.count("/p3") + site.count("/p4")).isZero();
        site.close();
    }
}
