package dev.crawlocr.fetcher.testing;

import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.common.Urls;
import dev.crawlocr.fetcher.FetchEngine;
import dev.crawlocr.fetcher.FetcherConfig;
import dev.crawlocr.fetcher.outcome.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link FetchEngine} for tests, without Kafka: crawls are registered here, tasks go straight in. */
public final class Engines implements AutoCloseable {
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final FetcherConfig config;
    public final FetchEngine engine;
    private final Map<String, CrawlJob> jobs = new ConcurrentHashMap<>();

    /** @param settings config keys over the test defaults (loopback allowed, short timeouts, fast retries) */
    public Engines(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>();
        env.put("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8");
        env.put("FETCHER_RETRY_BACKOFF", "50ms");
        env.put("FETCHER_TOTAL_TIMEOUT", "5s");
        env.put("FETCHER_READ_TIMEOUT", "2s");
        env.put("FETCHER_JOB_WAIT", "100ms");
        env.putAll(settings);
        config = FetcherConfig.from(FetcherConfig.DEF.parse(env));
        engine = new FetchEngine(config, id -> Optional.ofNullable(jobs.get(id)), registry);
    }

    public Engines() {
        this(Map.of());
    }

    /**
     * A crawl of {@code scope} without sitemaps, so a seed's task sends exactly the requests the tests count (robots.txt
     * and the page); {@link #crawlReadingSitemaps} keeps them.
     */
    public CrawlJob crawl(String id, List<String> seeds, CrawlScope scope, Politeness politeness) {
        return crawlReadingSitemaps(id, seeds, withoutSitemaps(scope), politeness);
    }

    /** A crawl of {@code scope} as it is: its seeds' hosts' sitemaps are read when the scope says so. */
    public CrawlJob crawlReadingSitemaps(String id, List<String> seeds, CrawlScope scope, Politeness politeness) {
        CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, seeds, scope, politeness, OcrSettings.defaults(), Instant.now());
        jobs.put(id, job);
        return job;
    }

    /** {@code s} with sitemaps off. */
    public static CrawlScope withoutSitemaps(CrawlScope s) {
        return new CrawlScope(s.allowedHosts(), s.allowedDomains(), s.includePatterns(), s.excludePatterns(), s.maxDepth(), s.maxPagesPerHost(),
                s.maxPages(), s.deniedExtensions(), s.fetchImages(), s.maxOutlinks(), s.followLinks(), false, s.pdfs(), s.pdfMaxBytes());
    }

    /** Replaces a crawl's settings, as a new record on crawl.jobs would; like {@link #crawl}, without sitemaps. */
    public void job(CrawlJob job) {
        jobs.put(job.crawlId(), new CrawlJob(job.schema(), job.crawlId(), job.state(), job.seeds(), withoutSitemaps(job.scope()),
                job.politeness(), job.ocr(), job.createdAt(), job.request(), job.listRecords()));
    }

    /** A crawl with default scope around {@code seed} and no per-host delay. */
    public CrawlJob crawl(String id, String seed) {
        return crawl(id, List.of(seed), CrawlScope.defaults(), new Politeness(0, 1, 0, 0, 0, 0, 0));
    }

    /** A crawl like {@link #crawl(String, String)} whose requests and kept data types are {@code request}'s. */
    public CrawlJob crawl(String id, String seed, RequestSettings request) {
        CrawlJob plain = crawl(id, seed);
        CrawlJob job = new CrawlJob(plain.schema(), id, plain.state(), plain.seeds(), plain.scope(), plain.politeness(), plain.ocr(),
                plain.createdAt(), request, 0);
        jobs.put(id, job);
        return job;
    }

    public static FetchTask task(String crawlId, String url, UrlKind kind, int depth) {
        return new FetchTask(FetchTask.SCHEMA, crawlId, url, Urls.hostKey(url).orElseThrow(), kind, depth, 1,
                System.currentTimeMillis() + 60_000);
    }

    public Outcome fetch(String crawlId, String url, UrlKind kind, int depth) {
        return fetch(task(crawlId, url, kind, depth));
    }

    public Outcome fetch(FetchTask task) {
        return engine.submit(task, 0).orTimeout(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
    }

    public Outcome fetch(String crawlId, String url) {
        return fetch(crawlId, url, UrlKind.PAGE, 0);
    }

    public double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        engine.close();
    }
}
