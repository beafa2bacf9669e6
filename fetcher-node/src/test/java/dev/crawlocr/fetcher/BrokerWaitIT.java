package dev.crawlocr.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.localcluster.LocalKafka;
import dev.crawlocr.localcluster.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node started before its Kafka broker waits for it, live but not ready, past the 15 s one try of reaching the
 * broker may take, and becomes ready once the broker answers (the same start-up path as the writer and analyzer).
 */
class BrokerWaitIT {

    @Test
    void aFetcherStartedBeforeItsBrokerWaitsForItAndIsNotReadyMeanwhile() throws Exception {
        int kafkaPort = Ports.free();
        int opsPort = Ports.free();
        CompletableFuture<FetcherNode> started = CompletableFuture.supplyAsync(() -> FetcherNode.start(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort, "KAFKA_CREATE_TOPICS", "true", "OPS_PORT", Integer.toString(opsPort))));
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            if (started.isCompletedExceptionally()) {
                started.join(); // fails the test with the reason the node gave up
            }
            return status(http, opsPort, "/health/live") == 200;
        });
        await().during(Duration.ofSeconds(20)).atMost(30, TimeUnit.SECONDS).until(() -> status(http, opsPort, "/health/ready") != 200);
        assertThat(started).as("still waiting for the broker").isNotDone();

        try (LocalKafka kafka = LocalKafka.start(Files.createTempDirectory("late-kafka"), kafkaPort);
             FetcherNode fetcher = started.get(90, TimeUnit.SECONDS)) {
            await().atMost(60, TimeUnit.SECONDS).until(fetcher::isReady);
            assertThat(status(http, opsPort, "/health/ready")).isEqualTo(200);
            assertThat(kafka.bootstrapServers()).endsWith(":" + kafkaPort);
        }
    }

    private static int status(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
