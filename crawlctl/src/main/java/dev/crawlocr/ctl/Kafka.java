package dev.crawlocr.ctl;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.TopicAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Kafka helpers for the CLI: a reachability check that fails with one clear line, and group-less readers. */
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

    /** A consumer without a group, assigned every partition of {@code topic}. */
    static KafkaConsumer<byte[], byte[]> reader(CommonConfig config, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, config.imageMaxBytes() + 65536);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        List<TopicPartition> tps = new ArrayList<>();
        c.partitionsFor(topic, Duration.ofSeconds(10)).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
        if (tps.isEmpty()) {
            c.close();
            throw new UserError("Topic " + topic + " does not exist. Known topics: " + String.join(", ", Topics.ALL));
        }
        c.assign(tps);
        return c;
    }

    private Kafka() {
    }
}
