package dev.crawlocr.writer;

import static dev.crawlocr.common.config.ConfigDef.Type.BOOLEAN;
import static dev.crawlocr.common.config.ConfigDef.Type.BYTES;
import static dev.crawlocr.common.config.ConfigDef.Type.DURATION;
import static dev.crawlocr.common.config.ConfigDef.Type.INT;
import static dev.crawlocr.common.config.ConfigDef.Type.LONG;
import static dev.crawlocr.common.config.ConfigDef.Type.PASSWORD;
import static dev.crawlocr.common.config.ConfigDef.Type.STRING;

import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.config.Config;
import dev.crawlocr.common.config.ConfigDef;
import java.time.Duration;

/**
 * The writer's configuration, from environment variables or {@code --flags}. Immutable.
 *
 * @param databaseUrl        JDBC URL of the crawl database
 * @param takeOver           claim the database for this broker's Kafka cluster although another cluster has it
 * @param poolSize           connections in the pool
 * @param sinkThreads        concurrent flusher threads (and transactions) per sink
 * @param batchSize          records written per transaction, per sink
 * @param batchLinger        how long a sink waits to fill a batch
 * @param queueCapacity      records queued per sink before its partitions are paused
 * @param dbMaxBackoff       longest wait between retries while the database is unreachable
 * @param registryCacheSize  recently seen URL hashes kept in memory in front of the registry
 * @param schedulerEnabled   whether this instance runs the frontier scheduler
 * @param schedulerInterval  pause between scheduler rounds when nothing was due
 * @param schedulerBatch     URLs leased per round at most
 * @param lease              how long a fetcher has for a URL before it is emitted again
 * @param maxAttempts        fetch attempts of a URL that keeps failing transiently (FETCH_ERROR)
 * @param retryDelay         wait before a URL that failed transiently is due again
 * @param completionInterval how often crawls are checked for completion
 * @param imageCopyMaxBytes  largest image kept in {@code image_copies} for a crawl that sets no cap; 0 keeps none
 */
public record WriterConfig(
        CommonConfig common,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        boolean takeOver,
        int poolSize,
        int sinkThreads,
        int batchSize,
        Duration batchLinger,
        int queueCapacity,
        Duration dbMaxBackoff,
        long registryCacheSize,
        boolean schedulerEnabled,
        Duration schedulerInterval,
        int schedulerBatch,
        Duration lease,
        int maxAttempts,
        Duration retryDelay,
        Duration completionInterval,
        long imageCopyMaxBytes) {

    public static final ConfigDef DEF = new ConfigDef().include(CommonConfig.DEF)
            .define("DATABASE_URL", STRING, "jdbc:postgresql://127.0.0.1:5432/crawlocr", "JDBC URL of the crawl database")
            .define("DATABASE_USER", STRING, "crawlocr", "Database user")
            .define("DATABASE_PASSWORD", PASSWORD, "crawlocr", "Database password")
            .define("DATABASE_TAKE_OVER", BOOLEAN, "false",
                    "Claim the database for this broker's Kafka cluster although another cluster has it (stop that one first)")
            .define("DATABASE_POOL_SIZE", INT, "16", ConfigDef.between(2, 200), "between 2 and 200", "Connections in the pool")
            .define("WRITER_SINK_THREADS", INT, "2", ConfigDef.between(1, 64), "between 1 and 64",
                    "Concurrent writer threads (and transactions) per sink; records with one key stay on one thread")
            .define("WRITER_BATCH_SIZE", INT, "500", ConfigDef.between(1, 100_000), "between 1 and 100000",
                    "Records written per transaction, per sink")
            .define("WRITER_BATCH_LINGER", DURATION, "50ms", "How long a sink waits to fill a batch")
            .define("WRITER_QUEUE_CAPACITY", INT, "5000", ConfigDef.between(1, 1_000_000), "between 1 and 1000000",
                    "Records queued per sink before its partitions are paused")
            .define("WRITER_DB_MAX_BACKOFF", DURATION, "10s", ConfigDef.positiveDuration(), "positive",
                    "Longest wait between retries while the database is unreachable")
            .define("WRITER_REGISTRY_CACHE_SIZE", LONG, "1000000", ConfigDef.atLeast(0), ">= 0",
                    "Recently seen URL hashes kept in memory in front of the registry; 0 disables the cache")
            .define("WRITER_SCHEDULER_ENABLED", BOOLEAN, "true", "Run the frontier scheduler in this instance")
            .define("WRITER_SCHEDULER_INTERVAL", DURATION, "500ms", ConfigDef.positiveDuration(), "positive",
                    "Pause between scheduler rounds when nothing was due")
            .define("WRITER_SCHEDULER_BATCH", INT, "1000", ConfigDef.between(1, 100_000), "between 1 and 100000",
                    "URLs leased per scheduler round at most")
            .define("WRITER_LEASE", DURATION, "5m", ConfigDef.positiveDuration(), "positive",
                    "Time a fetcher has for a URL before it is emitted again")
            .define("WRITER_MAX_ATTEMPTS", INT, "3", ConfigDef.between(1, 100), "between 1 and 100",
                    "Fetch attempts of a URL that keeps failing transiently")
            .define("WRITER_RETRY_DELAY", DURATION, "30s", "Wait before a transiently failed URL is due again")
            .define("WRITER_COMPLETION_INTERVAL", DURATION, "500ms", ConfigDef.positiveDuration(), "positive",
                    "How often running crawls are checked for completion, besides the check that stored outcomes, links and OCR results ask for")
            .define("WRITER_IMAGE_COPY_MAX_BYTES", BYTES, "2MB", ConfigDef.atLeast(0), ">= 0",
                    "Largest image of which a copy is kept for the console, for a crawl that sets no cap (--image-copy-max-bytes); 0 keeps none");

    /** The configuration {@code c} holds ({@code c} from {@code DEF.parse(env, args)}). */
    public static WriterConfig from(Config c) {
        return new WriterConfig(CommonConfig.from(c), c.string("DATABASE_URL"), c.string("DATABASE_USER"), c.string("DATABASE_PASSWORD"),
                c.bool("DATABASE_TAKE_OVER"), c.integer("DATABASE_POOL_SIZE"), c.integer("WRITER_SINK_THREADS"), c.integer("WRITER_BATCH_SIZE"), c.duration("WRITER_BATCH_LINGER"),
                c.integer("WRITER_QUEUE_CAPACITY"), c.duration("WRITER_DB_MAX_BACKOFF"), c.longValue("WRITER_REGISTRY_CACHE_SIZE"),
                c.bool("WRITER_SCHEDULER_ENABLED"), c.duration("WRITER_SCHEDULER_INTERVAL"), c.integer("WRITER_SCHEDULER_BATCH"),
                c.duration("WRITER_LEASE"),
                c.integer("WRITER_MAX_ATTEMPTS"), c.duration("WRITER_RETRY_DELAY"), c.duration("WRITER_COMPLETION_INTERVAL"),
                c.bytes("WRITER_IMAGE_COPY_MAX_BYTES"));
    }

    @Override
    public String toString() {
        return "WriterConfig[databaseUrl=" + databaseUrl + ", databaseUser=" + databaseUser + ", databasePassword=[hidden], ...]";
    }
}
