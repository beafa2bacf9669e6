package dev.crawlocr.fetcher;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.CrawlJobsView;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.ops.NodeMain;
import dev.crawlocr.common.ops.OpsServer;
import dev.crawlocr.fetcher.http.GuardedDnsResolver;
import dev.crawlocr.fetcher.http.HttpFetcher;
import dev.crawlocr.fetcher.http.NetworkGuard;
import dev.crawlocr.fetcher.parse.PageParser;
import dev.crawlocr.fetcher.pipeline.ContentHandler;
import dev.crawlocr.fetcher.pipeline.CrawlState;
import dev.crawlocr.fetcher.pipeline.Emitter;
import dev.crawlocr.fetcher.pipeline.FetchHandler;
import dev.crawlocr.fetcher.pipeline.FetcherMetrics;
import dev.crawlocr.fetcher.pipeline.HostQueues;
import dev.crawlocr.fetcher.pipeline.Redirects;
import dev.crawlocr.fetcher.pipeline.TaskRunner;
import dev.crawlocr.fetcher.politeness.CrawlBudgets;
import dev.crawlocr.fetcher.politeness.PoliteRequests;
import dev.crawlocr.fetcher.robots.RobotsCache;
import dev.crawlocr.fetcher.url.LinkSelector;
import dev.crawlocr.fetcher.url.TrapGuard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetcher node: consumes {@code crawl.frontier}, fetches politely, and produces to {@code crawl.discovered},
 * {@code crawl.images} and {@code crawl.pages}. {@link #start} wires everything and returns a running node;
 * {@link #close()} stops consuming, hands back queued tasks, waits for running ones and closes the clients.
 */
public final class FetcherNode implements NodeMain.Node {
    private static final Logger log = LoggerFactory.getLogger(FetcherNode.class);

    private final FetcherConfig config;
    private final OpsServer ops;
    private final KafkaProducer<byte[], byte[]> producer;
    private final CrawlJobsView jobs;
    private final HttpFetcher http;
    private final RobotsCache robots;
    private final HostQueues queues;
    private final PipelineConsumer consumer;
    private volatile boolean closed;

    private FetcherNode(FetcherConfig config) {
        this.config = config;
        var common = config.common();
        if (common.createTopics()) {
            TopicAdmin.ensureTopics(common);
        }
        ops = new OpsServer(common.opsPort(), "fetcher-node");
        FetcherMetrics metrics = new FetcherMetrics(ops.registry());
        producer = Clients.producer(common, "fetcher");
        jobs = new CrawlJobsView(common, "fetcher", null);
        NetworkGuard guard = new NetworkGuard(config.allowNetworks());
        http = new HttpFetcher(new HttpFetcher.Settings(config.userAgent(), config.connectTimeout(), config.readTimeout(),
                config.totalTimeout(), config.maxInflight()), guard);
        robots = new RobotsCache(config.robotsAgent(), config.robotsTtl(), config.robotsErrorTtl(), ops.registry());
        Urls urls = new Urls(config.trackingParams());
        TrapGuard traps = new TrapGuard(config.urlMaxLength(), config.urlMaxRepeatedSegments());
        CrawlState crawls = new CrawlState();
        PoliteRequests requests = new PoliteRequests(http, config.maxInflight(), new CrawlBudgets(), metrics);
        ContentHandler content = new ContentHandler(config, new PageParser(config.textMaxChars(), config.imageMaxBytes()),
                new LinkSelector(urls, traps, config.maxOutlinks()), crawls, metrics);
        Redirects redirects = new Redirects(urls, traps, crawls, new GuardedDnsResolver(guard), config.maxRedirects(), metrics);
        TaskRunner runner = new TaskRunner(config, requests, robots, crawls, content, redirects, urls);
        queues = new HostQueues(config.queueMax(), config.hostQueueMax(), (task, job, gate, handedBack) -> {
            var outcome = runner.run(task, job, gate, handedBack);
            metrics.result(task.kind(), outcome.result().status());
            return outcome;
        }, this::job, config.politenessOverride(), ops.registry());
        Duration drain = config.totalTimeout().plusSeconds(15);
        consumer = new PipelineConsumer(
                Clients.consumer(common, Topics.GROUP_FETCHER, "fetcher", 500),
                new FetchHandler(queues, new Emitter(producer)),
                new DeadLetters(producer, 1 << 20),
                new PipelineConsumer.Options("fetcher", List.of(Topics.FRONTIER), config.queueMax() + config.maxInflight(),
                        Duration.ofSeconds(1), drain),
                queues::isFull, ops.registry()).start();
        ops.readiness(consumer::isReady);
        log.info("Fetcher node {} started; ops on port {}", common.nodeId(), ops.port());
    }

    /** Builds and starts a fetcher from environment-style settings and {@code --key=value} flags. */
    public static FetcherNode start(Map<String, String> env, String... args) {
        FetcherConfig config = FetcherConfig.parse(env, args);
        log.info("Fetcher configuration:\n{}", FetcherConfig.describe(env, args));
        return new FetcherNode(config);
    }

    private Optional<CrawlJob> job(String crawlId) {
        Optional<CrawlJob> now = jobs.get(crawlId);
        return now.isPresent() ? now : jobs.await(crawlId, config.jobWait());
    }

    public FetcherConfig config() {
        return config;
    }

    public OpsServer ops() {
        return ops;
    }

    public boolean isReady() {
        return consumer.isReady();
    }

    @Override
    public Throwable awaitFailure() throws InterruptedException {
        while (!closed && consumer.failure() == null) {
            Thread.sleep(500);
        }
        return consumer.failure();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("Fetcher node stopping: handing back queued tasks, finishing running ones");
        consumer.close();
        queues.close();
        producer.close(Duration.ofSeconds(30));
        jobs.close();
        robots.close();
        http.close();
        ops.close();
        log.info("Fetcher node stopped");
    }
}
