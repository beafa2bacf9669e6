package dev.crawlocr.fetcher.robots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** robots.txt per RFC 9309 through crawler-commons: caching, status semantics, Crawl-delay and politeness. */
class RobotsBehaviourTest {
    private final TestSite site = new TestSite();
    private Engines engines = new Engines();

    @AfterEach
    void close() {
        engines.close();
        site.close();
    }

    private void robots(int status, String body) {
        site.route("/robots.txt", ex -> TestSite.send(ex, status, "text/plain", body));
        site.route("/a", TestSite.html("<title>a</title>"));
        site.route("/b", TestSite.html("<title>b</title>"));
        site.route("/private/x", TestSite.html("<title>secret</title>"));
        engines.crawl("c", site.url("/a"));
    }

    private FetchResult fetch(String path) {
        return engines.fetch("c", site.url(path)).result();
    }

    private long gapNanos(String first, String second) {
        var hits = site.hits();
        long a = hits.stream().filter(h -> h.path().equals(first)).findFirst().orElseThrow().atNanos();
        long b = hits.stream().filter(h -> h.path().equals(second)).findFirst().orElseThrow().atNanos();
        return b - a;
    }

    @Test
    void disallowedUrlsAreDeniedAndRobotsTxtIsFetchedOncePerHost() {
        AtomicReference<String> agent = new AtomicReference<>();
        robots(200, "User-agent: *\nDisallow: /private/\n");
        site.route("/robots.txt", ex -> {
            agent.set(ex.getRequestHeaders().getFirst("User-Agent"));
            TestSite.send(ex, 200, "text/plain", "User-agent: *\nDisallow: /private/\n");
        });
        assertThat(fetch("/a").status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(fetch("/b").status()).isEqualTo(FetchStatus.FETCHED);
        FetchResult denied = fetch("/private/x");
        assertThat(denied.status()).isEqualTo(FetchStatus.DENIED);
        assertThat(denied.reason()).isEqualTo("robots.txt disallows /private/x");
        assertThat(site.count("/private/x")).isZero();
        assertThat(site.count("/robots.txt")).isEqualTo(1);
        assertThat(engines.counter("fetcher.robots.cache", "result", "hit")).isEqualTo(2);
        assertThat(agent.get()).isEqualTo(engines.config.userAgent());
    }

    @Test
    void rulesForOurAgentWinOverTheWildcard() {
        robots(200, "User-agent: *\nDisallow: /\n\nUser-agent: crawlocr\nDisallow: /b\n");
        assertThat(fetch("/a").status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(fetch("/b").status()).isEqualTo(FetchStatus.DENIED);
    }

    @Test
    void aMissingRobotsTxtAllowsEverything() {
        robots(404, "nothing here");
        assertThat(fetch("/private/x").status()).isEqualTo(FetchStatus.FETCHED);
    }

    @Test
    void serverErrorsAndRateLimitsOnRobotsTxtDeferTheHost() {
        robots(503, "busy");
        FetchResult r = fetch("/a");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCH_ERROR);
        assertThat(r.reason()).isEqualTo("robots.txt answered HTTP 503; host deferred");
        assertThat(fetch("/b").reason()).isEqualTo("robots.txt answered HTTP 503; host deferred");
        assertThat(site.count("/a") + site.count("/b")).isZero();
        assertThat(site.count("/robots.txt")).as("the deferral is cached").isEqualTo(1);

        try (TestSite limited = new TestSite()) {
            limited.route("/robots.txt", ex -> TestSite.send(ex, 429, "text/plain", "slow down"));
            engines.crawl("d", limited.url("/"));
            FetchResult l = engines.fetch("d", limited.url("/page")).result();
            assertThat(l.status()).isEqualTo(FetchStatus.FETCH_ERROR);
            assertThat(l.reason()).isEqualTo("robots.txt answered HTTP 429; host deferred");
        }
    }

    @Test
    void redirectsOfRobotsTxtAreFollowed() {
        robots(200, "");
        site.route("/robots.txt", TestSite.redirect(301, "/real-robots.txt"));
        site.route("/real-robots.txt", ex -> TestSite.send(ex, 200, "text/plain", "User-agent: *\nDisallow: /b\n"));
        assertThat(fetch("/a").status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(fetch("/b").status()).isEqualTo(FetchStatus.DENIED);
    }

    @Test
    void crawlDelayIsHonoured() {
        robots(200, "User-agent: *\nCrawl-delay: 1\n");
        fetch("/a");
        fetch("/b");
        assertThat(gapNanos("/a", "/b")).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(gapNanos("/robots.txt", "/a")).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aCrawlDelayAboveTheCapDeniesTheHostByDefault() {
        robots(200, "User-agent: *\nCrawl-delay: 120\n");
        FetchResult r = fetch("/a");
        assertThat(r.status()).isEqualTo(FetchStatus.DENIED);
        assertThat(r.reason()).isEqualTo("robots.txt Crawl-delay of 120.0 s exceeds FETCHER_CRAWL_DELAY_MAX of 30.0 s");
        assertThat(site.count("/a")).isZero();
    }

    @Test
    void aCrawlDelayAboveTheCapCanBeCappedInstead() {
        engines.close();
        engines = new Engines(Map.of("FETCHER_CRAWL_DELAY_MAX", "1s", "FETCHER_CRAWL_DELAY_OVER_CAP", "CAP"));
        robots(200, "User-agent: *\nCrawl-delay: 600\n");
        assertThat(fetch("/a").status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(fetch("/b").status()).isEqualTo(FetchStatus.FETCHED);
        long gap = gapNanos("/a", "/b");
        assertThat(gap).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1)).isLessThan(TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void robotsRequestsCountTowardPolitenessAndTheTasksRequestAllowance() {
        robots(200, "User-agent: *\nAllow: /\n");
        engines.crawl("c", List.of(site.url("/a")), CrawlScope.defaults(), new Politeness(300, 1, 0, 10, 0, 0, 0));
        FetchTask first = new FetchTask(FetchTask.SCHEMA, "c", site.url("/a"), site.hostKey(), UrlKind.PAGE, 0, 1,
                System.currentTimeMillis() + 60_000, 1);
        FetchResult robotsOnly = engines.engine.submit(first, 0).join().result();
        assertThat(robotsOnly.status()).isEqualTo(FetchStatus.RETURNED);
        assertThat(robotsOnly.requests()).isEqualTo(1);
        assertThat(site.count("/a")).isZero();
        FetchResult page = fetch("/a");
        assertThat(page.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(gapNanos("/robots.txt", "/a")).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }
}
