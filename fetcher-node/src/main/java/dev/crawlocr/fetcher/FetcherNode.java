package dev.crawlocr.fetcher;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.CrawlJobsView;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.ops.NodeMain;
import dev.crawlocr.common.ops.OpsServer;
import dev.crawlocr.fetcher.frontier.FetchHandler;
import dev.crawlocr.fetcher.outcome.Emitter;
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
    private volatile FetchEngine engine; // read by the jobs view's thread, which starts before the constructor ends
    private final PipelineConsumer consumer;
    private volatile boolean closed;

    private FetcherNode(FetcherConfig config) {
        this.config = config;
        var common = config.common();
        if (common.createTopics()) {
            TopicAdmin.ensureTopics(common);
        }
        ops = new OpsServer(common.opsPort(), "fetcher-node");
        producer = Clients.producer(common, "fetcher");
        jobs = new CrawlJobsView(common, "fetcher", this::jobChanged);
        engine = new FetchEngine(config, this::job, ops.registry());
        Duration drain = config.totalTimeout().plusSeconds(15);
        consumer = new PipelineConsumer(
                Clients.consumer(common, Topics.GROUP_FETCHER, "fetcher", 500),
                new FetchHandler(engine.queues(), new Emitter(producer)),
                new DeadLetters(producer, 1 << 20),
                new PipelineConsumer.Options("fetcher", List.of(Topics.FRONTIER), config.queueMax() + config.maxInflight(),
                        Duration.ofSeconds(1), drain),
                engine::isFull, ops.registry()).start();
        ops.readiness(consumer::isReady);
        log.info("Fetcher node {} started; ops on port {}", common.nodeId(), ops.port());
    }

    /** Builds and starts a fetcher from environment-style settings and {@code --key=value} flags. */
    public static FetcherNode start(Map<String, String> env, String... args) {
        FetcherConfig config = FetcherConfig.parse(env, args);
        log.info("Fetcher configuration:\n{}", FetcherConfig.describe(env, args));
        return new FetcherNode(config);
    }

    /** A stopped crawl's queued tasks end at once, so they hold no place in a host's queue. */
    private void jobChanged(CrawlJob job) {
        FetchEngine e = engine; // null while the node is being built: nothing is queued yet
        if (e != null && job.state() == CrawlJob.State.STOPPED) {
            e.queues().stopCrawl(job.crawlId());
        }
    }

    private Optional<CrawlJob> job(String crawlId) {
        return jobs.getWaitingOnce(crawlId, config.jobWait());
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

    /** Blocks until the consumer loop fails by itself; after a normal {@link #close()} it keeps waiting (the JVM is exiting). */
    @Override
    public Throwable awaitFailure() throws InterruptedException {
        while (consumer.failure() == null) {
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
        engine.close();
        producer.close(Duration.ofSeconds(30));
        jobs.close();
        ops.close();
        log.info("Fetcher node stopped");
    }
}
