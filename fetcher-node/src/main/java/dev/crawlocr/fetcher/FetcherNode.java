package dev.crawlocr.fetcher;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.Config;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.CrawlJobsView;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.ops.NodeRuntime;
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
public final class FetcherNode extends NodeRuntime {
    private static final Logger log = LoggerFactory.getLogger(FetcherNode.class);

    private final FetcherConfig config;
    private final CrawlJobsView jobs;
    private volatile FetchEngine engine; // read by the jobs view's thread, which starts before the constructor ends

    private FetcherNode(FetcherConfig config) {
        super("fetcher-node", config.common().opsPort());
        this.config = config;
        var common = config.common();
        try {
            if (common.createTopics()) {
                ensureTopics(common);
            }
            // Closed in reverse order: the consumer (handing back queued tasks) first, then the engine, producer and jobs view.
            jobs = keep(new CrawlJobsView(common, "fetcher", this::jobChanged));
            KafkaProducer<byte[], byte[]> producer = Clients.producer(common, "fetcher");
            keep(() -> producer.close(Duration.ofSeconds(30)));
            engine = keep(new FetchEngine(config, this::job, metrics()));
            Duration drain = config.totalTimeout().plusSeconds(15);
            consume(new PipelineConsumer(
                    Clients.consumer(common, Topics.GROUP_FETCHER, "fetcher", 500),
                    new FetchHandler(engine.queues(), new Emitter(producer)),
                    new DeadLetters(producer, 1 << 20),
                    new PipelineConsumer.Options("fetcher", List.of(Topics.FRONTIER), config.queueMax() + config.maxInflight(),
                            Duration.ofSeconds(1), drain, true),
                    engine::isFull, metrics()));
            launch();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("Fetcher node {} started; ops on port {}", common.nodeId(), ops().port());
    }

    /** Builds and starts a fetcher from environment-style settings and {@code --key=value} flags. */
    public static FetcherNode start(Map<String, String> env, String... args) {
        Config raw = FetcherConfig.DEF.parse(env, args);
        log.info("fetcher-node configuration:\n{}", raw.describe());
        return new FetcherNode(FetcherConfig.from(raw));
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
}
