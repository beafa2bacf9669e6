package dev.crawlocr.fetcher;

import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.fetcher.content.ContentHandler;
import dev.crawlocr.fetcher.frontier.HostQueues;
import dev.crawlocr.fetcher.http.GuardedDnsResolver;
import dev.crawlocr.fetcher.http.HttpFetcher;
import dev.crawlocr.fetcher.http.NetworkGuard;
import dev.crawlocr.fetcher.metrics.FetcherMetrics;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.parse.PageParser;
import dev.crawlocr.fetcher.politeness.PoliteRequests;
import dev.crawlocr.fetcher.robots.RobotsCache;
import dev.crawlocr.fetcher.sitemap.SitemapReader;
import dev.crawlocr.fetcher.task.Redirects;
import dev.crawlocr.fetcher.task.Secrets;
import dev.crawlocr.fetcher.task.TaskRunner;
import dev.crawlocr.fetcher.url.CrawlState;
import dev.crawlocr.fetcher.url.LinkSelector;
import dev.crawlocr.fetcher.url.TrapGuard;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The fetcher without Kafka: a task in, its {@link Outcome} out, with every rule applied (politeness, robots,
 * SSRF guard, scope, caps), a seed's host's sitemaps read. The node feeds it from the frontier consumer; tests drive it directly. Thread-safe.
 */
public final class FetchEngine implements AutoCloseable {
    private final HttpFetcher http;
    private final RobotsCache robots;
    private final HostQueues queues;

    /** @param jobs a crawl's settings by id (may wait briefly); empty when unknown */
    public FetchEngine(FetcherConfig config, Function<String, Optional<CrawlJob>> jobs, MeterRegistry registry) {
        FetcherMetrics metrics = new FetcherMetrics(registry);
        NetworkGuard guard = new NetworkGuard(config.allowNetworks());
        http = new HttpFetcher(new HttpFetcher.Settings(config.userAgent(), config.connectTimeout(), config.readTimeout(),
                config.totalTimeout(), config.maxInflight()), guard);
        robots = new RobotsCache(config.robotsAgent(), config.robotsTtl(), config.robotsErrorTtl(), registry);
        Urls urls = new Urls(config.trackingParams());
        TrapGuard traps = new TrapGuard(config.urlMaxLength(), config.urlMaxRepeatedSegments());
        CrawlState crawls = new CrawlState();
        PoliteRequests requests = new PoliteRequests(http, config.maxInflight(), config.unreachableCooldown(), metrics);
        ContentHandler.Settings contentSettings = new ContentHandler.Settings(config.pageContentTypes(), config.imageContentTypes(),
                config.imageMaxBytes());
        LinkSelector links = new LinkSelector(urls, traps, config.maxOutlinks());
        ContentHandler content = new ContentHandler(contentSettings, new PageParser(config.textMaxChars(), config.imageMaxBytes()),
                links, crawls, metrics);
        Redirects redirects = new Redirects(urls, traps, crawls, new GuardedDnsResolver(guard), config.maxRedirects(), metrics);
        TaskRunner.Settings taskSettings = new TaskRunner.Settings(config.politenessOverride(), config.minDelayOverride(),
                config.crawlDelayMax(), config.crawlDelayOverCap(), config.pageMaxBytes(), config.imageMaxBytes(),
                config.maxRetries(), config.retryBackoff(), config.retryAfterMax(), config.sitemaps().maxBytes());
        TaskRunner runner = new TaskRunner(taskSettings, new Secrets(config.secretsDir(), System.getenv()), requests, robots, content,
                redirects, urls, new SitemapReader(config.sitemaps(), links, crawls, urls, metrics));
        queues = new HostQueues(config.queueMax(), config.hostQueueMax(), (task, job, gate, crawlGate, handedBack) -> {
            Outcome outcome = runner.run(task, job, gate, crawlGate, handedBack);
            metrics.result(task.kind(), outcome.result().status());
            return outcome;
        }, jobs, config.politenessOverride(), config.totalTimeout(), registry);
    }

    /** Queues a task of a frontier partition; completes with its outcome, never exceptionally. */
    public CompletableFuture<Outcome> submit(FetchTask task, int partition) {
        return queues.submit(task, partition);
    }

    /** True while the queues are full and the frontier should be paused. */
    public boolean isFull() {
        return queues.isFull();
    }

    /** Hands back queued tasks of these partitions; their running tasks send no further request. */
    public void revoke(Collection<Integer> partitions) {
        queues.revoke(partitions);
    }

    public HostQueues queues() {
        return queues;
    }

    @Override
    public void close() {
        queues.close();
        robots.close();
        http.close();
    }
}
