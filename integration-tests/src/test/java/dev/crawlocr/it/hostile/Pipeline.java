package dev.crawlocr.it.hostile;

import dev.crawlocr.analyzer.AnalyzerNode;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.ctl.CrawlJobs;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.fetcher.FetcherNode;
import dev.crawlocr.writer.WriterNode;
import org.awaitility.Awaitility;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The three nodes in this JVM against the shared test broker and a fresh database: a writer, a fetcher and an
 * analyzer, each started from its own environment map on top of shared keys. Topics are created first with the
 * default image cap (as every other test does), so the topic limits do not depend on which test ran first.
 * {@link #close()} stops the nodes in reverse order.
 */
final class Pipeline implements AutoCloseable {
    static final int PARTITIONS = 4;

    final String bootstrap;
    final Postgres pg;
    final String dbUrl;
    final CrawlJobs jobs;
    final WriterNode writer;
    final FetcherNode fetcher;
    final AnalyzerNode analyzer;

    private Pipeline(String dbPrefix, Map<String, String> writerEnv, Map<String, String> fetcherEnv, Map<String, String> analyzerEnv) {
        bootstrap = TestServices.kafkaBootstrap();
        pg = TestServices.postgres();
        // PostgreSQL is shared with suites that stop it on purpose (outage tests): wait until it takes a database.
        dbUrl = Awaitility.await("PostgreSQL accepting a new database").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> pg.createDatabase(dbPrefix), url -> url != null);
        CommonConfig common = new CommonConfig(bootstrap, true, PARTITIONS, 10 << 20, 0, dbPrefix);
        TopicAdmin.ensureTopics(common);
        jobs = new CrawlJobs(common);
        writer = WriterNode.start(merge(writerEnv, "DATABASE_URL", dbUrl, "DATABASE_USER", pg.user(), "DATABASE_PASSWORD", pg.password()));
        FetcherNode f = null;
        AnalyzerNode a = null;
        try {
            f = FetcherNode.start(merge(fetcherEnv));
            a = AnalyzerNode.start(merge(analyzerEnv));
        } catch (RuntimeException e) {
            if (f != null) {
                f.close();
            }
            writer.close();
            throw e;
        }
        fetcher = f;
        analyzer = a;
    }

    static Pipeline start(String dbPrefix, Map<String, String> writerEnv, Map<String, String> fetcherEnv, Map<String, String> analyzerEnv) {
        return new Pipeline(dbPrefix, writerEnv, fetcherEnv, analyzerEnv);
    }

    CommonConfig client(String name) {
        return new CommonConfig(bootstrap, true, PARTITIONS, 10 << 20, 0, name);
    }

    private Map<String, String> merge(Map<String, String> env, String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "OPS_PORT", "0",
                "KAFKA_TOPIC_PARTITIONS", Integer.toString(PARTITIONS)));
        m.putAll(env);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        analyzer.close();
        fetcher.close();
        writer.close();
    }
}
