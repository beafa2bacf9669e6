package dev.crawlocr.ctl;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.kafka.TopicReader;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Kafka helpers for the CLI: a reachability check that fails with one clear line, and topic readers. */
final class Kafka {

    static Admin admin(CommonConfig config) {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
        try {
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            admin.close(Duration.ofSeconds(1));
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw unreachable(config);
        }
        return admin;
    }

    static UserError unreachable(CommonConfig config) {
        return new UserError("Cannot reach Kafka at " + config.bootstrapServers()
                + ". Start it ('crawlctl cluster start' or docker compose) or pass --bootstrap-servers HOST:PORT.");
    }

    /** Checks the broker answers and the topics exist (creating them if missing). */
    static void ready(CommonConfig config) {
        try (Admin ignored = admin(config)) {
            TopicAdmin.ensureTopics(config);
        }
    }

    /** A reader of every partition of {@code topic}, at its beginning. */
    static TopicReader reader(CommonConfig config, String topic) {
        TopicReader reader = TopicReader.builder(config.bootstrapServers()).fetchBytes(config.imageMaxBytes() + 65536)
                .metadataTimeout(Duration.ofSeconds(10)).build(topic);
        try {
            reader.partitions();
        } catch (RuntimeException e) {
            reader.close();
            throw e instanceof UnknownTopicOrPartitionException
                    ? new UserError("Topic " + topic + " does not exist. Known topics: " + String.join(", ", Topics.ALL)) : e;
        }
        return reader;
    }

    private Kafka() {
    }
}
