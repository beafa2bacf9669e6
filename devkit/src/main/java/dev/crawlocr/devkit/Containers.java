package dev.crawlocr.devkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Testcontainers-backed services, used only when asked for ({@code CRAWLOCR_TEST_CONTAINERS=true}), Testcontainers
 * is on the class path and a Docker engine answers. Never by default: asking Testcontainers whether an engine
 * answers already starts its reaper container, which it pulls from a registry, so on an engine without registry
 * access (or with an API it does not speak) the first test would wait minutes for pulls that cannot succeed.
 */
final class Containers {
    static final String OPT_IN = "CRAWLOCR_TEST_CONTAINERS";
    private static final Logger log = LoggerFactory.getLogger(Containers.class);
    private static Boolean available;

    static synchronized boolean wanted() {
        if (available == null) {
            available = false;
            if ("true".equalsIgnoreCase(System.getenv(OPT_IN))) {
                try {
                    Class.forName("org.testcontainers.DockerClientFactory");
                    available = org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
                } catch (ClassNotFoundException | LinkageError e) {
                    log.debug("Testcontainers is not on the class path: {}", e.toString());
                } catch (RuntimeException e) {
                    log.debug("No Docker engine: {}", e.toString());
                }
                log.info("{}=true: Docker engine {}", OPT_IN, available ? "found, using Testcontainers" : "not found, using local services");
            }
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
