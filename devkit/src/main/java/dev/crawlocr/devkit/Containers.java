package dev.crawlocr.devkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Testcontainers-backed services, used only when Testcontainers is on the class path and a Docker engine answers. */
final class Containers {
    private static final Logger log = LoggerFactory.getLogger(Containers.class);
    private static Boolean available;

    static synchronized boolean dockerAvailable() {
        if (available == null) {
            try {
                Class.forName("org.testcontainers.DockerClientFactory");
                available = org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (ClassNotFoundException | LinkageError e) {
                available = false;
            } catch (RuntimeException e) {
                log.debug("No Docker engine: {}", e.toString());
                available = false;
            }
            log.info("Docker engine {}: {}", available ? "found" : "not found",
                    available ? "using Testcontainers" : "using local services");
        }
        return available;
    }

    static String kafka() {
        var kafka = new org.testcontainers.kafka.KafkaContainer("apache/kafka:" + org.apache.kafka.common.utils.AppInfoParser.getVersion());
        kafka.start();
        return kafka.getBootstrapServers();
    }

    static Postgres postgres() {
        var pg = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:16-alpine");
        pg.start();
        return new Postgres(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword());
    }

    private Containers() {
    }
}
