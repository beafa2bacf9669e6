package dev.crawlocr.devkit;

import dev.crawlocr.localcluster.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real services tests run against, shared by every test in one JVM and stopped at exit.
 * <ul>
 *   <li>Kafka: {@code KAFKA_BOOTSTRAP_SERVERS} when set; else, with {@code CRAWLOCR_TEST_CONTAINERS=true} and a
 *   Docker engine, a Testcontainers {@code apache/kafka} broker; else a {@link LocalKafka} broker process.</li>
 *   <li>PostgreSQL: {@code CRAWLOCR_PG_URL} when set; else, with {@code CRAWLOCR_TEST_CONTAINERS=true} and a
 *   Docker engine, a Testcontainers {@code postgres}; else the local server (see {@link Postgres}).</li>
 * </ul>
 * Nothing is ever skipped for want of Docker.
 */
public final class TestServices {
    private static final Logger log = LoggerFactory.getLogger(TestServices.class);
    private static String bootstrap;
    private static Postgres postgres;
    private static LocalKafka localKafka;

    public static synchronized String kafkaBootstrap() {
        if (bootstrap == null) {
            String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
            if (external != null && !external.isBlank()) {
                bootstrap = external;
            } else if (Containers.wanted()) {
                bootstrap = Containers.kafka();
            } else {
                localKafka = LocalKafka.start(tempDir("kafka"), 0);
                Runtime.getRuntime().addShutdownHook(new Thread(localKafka::stop));
                bootstrap = localKafka.bootstrapServers();
            }
            log.info("Tests use Kafka at {}", bootstrap);
        }
        return bootstrap;
    }

    public static synchronized Postgres postgres() {
        if (postgres == null) {
            if (System.getenv("CRAWLOCR_PG_URL") == null && Containers.wanted()) {
                postgres = Containers.postgres();
            } else {
                postgres = Postgres.fromEnv();
            }
            log.info("Tests use PostgreSQL at {}", postgres.adminUrl());
        }
        return postgres;
    }

    /** The broker process when tests started one themselves (for stop and restart), else null. */
    public static synchronized LocalKafka localKafka() {
        kafkaBootstrap();
        return localKafka;
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory("crawlocr-" + prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestServices() {
    }
}
