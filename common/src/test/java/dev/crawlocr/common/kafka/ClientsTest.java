package dev.crawlocr.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ClientsTest {
    @Test
    void readsClientPropertiesFromPrefixedEnvironmentVariables() {
        Map<String, String> env = Map.of("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000", "KAFKA_PRODUCER_LINGER_MS", "20",
                "KAFKA_BOOTSTRAP_SERVERS", "x:9092", "KAFKA_CONSUMER_", "ignored");
        assertThat(Clients.overrides(env, Clients.CONSUMER_PREFIX)).containsExactly(Map.entry("session.timeout.ms", "6000"));
        assertThat(Clients.overrides(env, Clients.PRODUCER_PREFIX)).containsExactly(Map.entry("linger.ms", "20"));
    }

    @Test
    void sendsAgainAfterAFailureThatIsNotTheRecordsFault() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        CompletableFuture<RecordMetadata> sent = Clients.send(producer, "t", "k".getBytes(StandardCharsets.UTF_8), new byte[1], null);
        producer.errorNext(new OutOfOrderSequenceException("sequence reset after a broker restart"));
        assertThat(sent).isNotDone();
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> producer.history().size() == 2);
        producer.completeNext();
        assertThat(sent.get(5, TimeUnit.SECONDS).topic()).isEqualTo("t");
    }

    @Test
    void doesNotResendARecordThatCanNeverBeSent() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        CompletableFuture<RecordMetadata> sent = Clients.send(producer, "t", null, new byte[1], null);
        producer.errorNext(new RecordTooLargeException("too large"));
        assertThat(sent).isCompletedExceptionally();
        assertThat(producer.history()).hasSize(1);
    }
}
