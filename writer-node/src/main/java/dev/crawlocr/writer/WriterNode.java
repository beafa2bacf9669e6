package dev.crawlocr.writer;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.Config;
import dev.crawlocr.common.config.ConfigException;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.ClusterClaim;
import dev.crawlocr.common.kafka.ConsumerLag;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.ops.NodeRuntime;
import dev.crawlocr.writer.db.Database;
import dev.crawlocr.writer.db.DbErrors;
import dev.crawlocr.writer.frontier.FrontierScheduler;
import dev.crawlocr.writer.frontier.Leases;
import dev.crawlocr.writer.lifecycle.CompletionWatcher;
import dev.crawlocr.writer.pipeline.BatchSink;
import dev.crawlocr.writer.pipeline.BatchingHandler;
import dev.crawlocr.writer.registry.SeenUrls;
import dev.crawlocr.writer.registry.UrlRegistry;
import dev.crawlocr.writer.sink.CrawlSink;
import dev.crawlocr.writer.sink.FetchResultSink;
import dev.crawlocr.writer.sink.ImageCopySink;
import dev.crawlocr.writer.sink.OcrSink;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer node: the only node that talks to PostgreSQL. Consumes {@code crawl.jobs} (crawl rows),
 * {@code crawl.discovered} (URL registry), {@code crawl.pages} and {@code crawl.ocr} (stored results) and
 * {@code crawl.images} (copies of images for the console), each with
 * its own consumer in group {@code crawlocr-writer} and its own batching sink; runs the frontier scheduler and
 * the completion watcher. {@link #close()} stops the consumers first (they wait for batches in flight), then the
 * rest.
 */
public final class WriterNode extends NodeRuntime {
    private static final Logger log = LoggerFactory.getLogger(WriterNode.class);

    /** Image records per batch (and queued per flusher thread) at most. */
    private static final int IMAGE_BATCH = 8;

    private final WriterConfig config;
    private final Database db;

    /** Claims the database for this broker's cluster, or refuses to start when another cluster has it. */
    private void claimDatabase(String clusterId) {
        try {
            db.inTransaction("claim-database", c -> {
                ClusterClaim.claim(c, clusterId, config.takeOver(), config.databaseUrl(), config.common().bootstrapServers(),
                        "DATABASE_TAKE_OVER=true (crawlctl cluster start --take-over)");
                return null;
            });
        } catch (ClusterClaim.MismatchException e) {
            throw new ConfigException(List.of(e.getMessage()));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record the database's Kafka cluster: " + e.getMessage(), e);
        }
        if (config.takeOver()) {
            log.warn("Database {} taken over for Kafka cluster {}", config.databaseUrl(), clusterId);
        }
    }

    /**
     * Migrates the schema once PostgreSQL answers: a server that is not up yet (connection refused, starting up) is
     * tried again with back-off while the node is not ready; a wrong URL, user or password fails at once.
     */
    private void awaitDatabase() {
        await("Connecting to PostgreSQL at " + config.databaseUrl(), DbErrors::isTransient, () -> {
            db.migrate();
            return null;
        });
    }

    public static WriterNode start(Map<String, String> env, String... args) {
        Config raw = WriterConfig.DEF.parse(env, args);
        log.info("writer-node configuration:\n{}", raw.describe());
        return new WriterNode(WriterConfig.from(raw));
    }

    private WriterNode(WriterConfig config) {
        super("writer-node", config.common().opsPort());
        this.config = config;
        try {
            if (config.common().createTopics()) {
                ensureTopics(config.common());
            }
            var metrics = metrics();
            db = keep(new Database(config.databaseUrl(), config.databaseUser(), config.databasePassword(), config.poolSize(), metrics));
            awaitDatabase();
            KafkaProducer<byte[], byte[]> producer = keep(Clients.producer(config.common(), "writer"));
            Admin admin = keep(Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.common().bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, "writer-admin-" + config.common().nodeId())));
            claimDatabase(await("Reading the Kafka cluster id at " + config.common().bootstrapServers(), TopicAdmin::unreachable,
                    () -> ClusterClaim.clusterId(admin)));
            DeadLetters deadLetters = new DeadLetters(producer, config.common().imageMaxBytes());

            FrontierScheduler scheduler = config.schedulerEnabled()
                    ? new FrontierScheduler(new Leases(db), producer, new ConsumerLag(admin), new FrontierScheduler.Settings(config.schedulerInterval(),
                    config.schedulerBatch(), config.lease()), metrics)
                    : null;
            CompletionWatcher completion = new CompletionWatcher(db, producer, config.completionInterval(), metrics);
            Runnable wake = scheduler == null ? () -> { } : scheduler::wake;
            // Stored outcomes end leases (room for more) and, like stored links and OCR results, and a job whose URL list
            // is all sent, may complete a crawl.
            Runnable outcomesStored = () -> {
                wake.run();
                completion.wake();
            };
            UrlRegistry registry = new UrlRegistry(new SeenUrls(config.registryCacheSize(), metrics), wake, completion::wake, metrics);

            // Closed in reverse order: consumers (draining into live sinks) before sinks, tasks and the producer.
            if (scheduler != null) {
                run("frontier-scheduler", scheduler::run);
            }
            run("completion-watcher", completion::run);
            consume(Topics.JOBS, new CrawlSink(outcomesStored, metrics), deadLetters);
            consume(Topics.DISCOVERED, registry, deadLetters);
            consume(Topics.PAGES, new FetchResultSink(config.maxAttempts(), config.retryDelay(), outcomesStored, metrics), deadLetters);
            consume(Topics.OCR, new OcrSink(completion::wake, metrics), deadLetters);
            consume(Topics.IMAGES, new ImageCopySink(config.imageCopyMaxBytes(), metrics), deadLetters);
            launch();
            log.info("writer-node started: database {}, scheduler {}", config.databaseUrl(), config.schedulerEnabled() ? "on" : "off");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private <T> void consume(String topic, BatchSink<T> sink, DeadLetters deadLetters) {
        var metrics = metrics();
        int threads = topic.equals(Topics.JOBS) ? 1 : config.sinkThreads();
        // Image records are up to IMAGE_MAX_BYTES each: batches and queues of them stay small to bound memory.
        boolean images = topic.equals(Topics.IMAGES);
        int batchSize = images ? Math.min(config.batchSize(), IMAGE_BATCH) : config.batchSize();
        int capacity = images ? Math.min(config.queueCapacity(), IMAGE_BATCH * threads) : config.queueCapacity();
        BatchingHandler<T> handler = keep(new BatchingHandler<>(sink, db, threads, batchSize, config.batchLinger(),
                capacity, config.dbMaxBackoff(), metrics));
        var consumer = Clients.consumer(config.common(), Topics.GROUP_WRITER, "writer-" + sink.name(), batchSize);
        var options = new PipelineConsumer.Options("writer-" + sink.name(), List.of(topic), capacity * 2,
                Duration.ofSeconds(1), Duration.ofSeconds(20), !images); // the analyzer dead-letters crawl.images
        consume(new PipelineConsumer(consumer, handler, deadLetters, options, handler::isFull, metrics));
    }
}
