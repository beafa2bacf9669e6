package dev.crawlocr.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientsTest {
    @Test
    void readsClientPropertiesFromPrefixedEnvironmentVariables() {
        Map<String, String> env = Map.of("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000", "KAFKA_PRODUCER_LINGER_MS", "20",
                "KAFKA_BOOTSTRAP_SERVERS", "x:9092", "KAFKA_CONSUMER_", "ignored");
        assertThat(Clients.overrides(env, Clients.CONSUMER_PREFIX)).containsExactly(Map.entry("session.timeout.ms", "6000"));
        assertThat(Clients.overrides(env, Clients.PRODUCER_PREFIX)).containsExactly(Map.entry("linger.ms", "20"));
    }
}
