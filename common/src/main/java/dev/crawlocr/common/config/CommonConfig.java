package dev.crawlocr.common.config;

import static dev.crawlocr.common.config.ConfigDef.Type.BOOLEAN;
import static dev.crawlocr.common.config.ConfigDef.Type.BYTES;
import static dev.crawlocr.common.config.ConfigDef.Type.INT;
import static dev.crawlocr.common.config.ConfigDef.Type.STRING;

/**
 * Keys every node shares: where Kafka is, how topics are created, and the ops port.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param createTopics     create missing topics at start-up
 * @param partitions       partitions of each topic created
 * @param imageMaxBytes    largest image record; the image topic's max.message.bytes and the producers' max.request.size
 * @param opsPort          port of /metrics and /health; 0 picks a free one
 * @param nodeId           names this instance in client ids and logs
 */
public record CommonConfig(String bootstrapServers, boolean createTopics, int partitions, int imageMaxBytes, int opsPort, String nodeId) {

    public static final ConfigDef DEF = new ConfigDef()
            .define("KAFKA_BOOTSTRAP_SERVERS", STRING, "localhost:9092", "Kafka bootstrap servers, host:port[,host:port]")
            .define("KAFKA_CREATE_TOPICS", BOOLEAN, "true", "Create missing topics at start-up")
            .define("KAFKA_TOPIC_PARTITIONS", INT, "24", ConfigDef.between(1, 10_000), "between 1 and 10000",
                    "Partitions per topic when this node creates them")
            .define("IMAGE_MAX_BYTES", BYTES, "10MB", ConfigDef.between(1024, 256L << 20), "between 1KB and 256MB",
                    "Largest image accepted; also the image topic's max.message.bytes")
            .define("OPS_PORT", INT, "8080", ConfigDef.between(0, 65535), "between 0 and 65535",
                    "Port of /metrics, /health/live and /health/ready; 0 picks a free port")
            .define("NODE_ID", STRING, defaultNodeId(), "Name of this instance in client ids and logs");

    public static CommonConfig from(Config c) {
        return new CommonConfig(c.string("KAFKA_BOOTSTRAP_SERVERS"), c.bool("KAFKA_CREATE_TOPICS"), c.integer("KAFKA_TOPIC_PARTITIONS"),
                (int) c.bytes("IMAGE_MAX_BYTES"), c.integer("OPS_PORT"), c.string("NODE_ID"));
    }

    private static String defaultNodeId() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "node" : host) + "-" + ProcessHandle.current().pid();
    }
}
