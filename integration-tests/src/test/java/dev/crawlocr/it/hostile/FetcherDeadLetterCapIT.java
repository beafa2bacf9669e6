package dev.crawlocr.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.fetcher.FetcherNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Fails today: with IMAGE_MAX_BYTES below about 1 MB the fetcher cannot dead-letter an oversized frontier record. Its
 * DeadLetters keeps up to 1 MB of the value, but its producer's max.request.size is IMAGE_MAX_BYTES + 64 KB, so every
 * dead-letter send fails with RecordTooLargeException and is retried forever; the frontier partition's offset never
 * moves past the record.
 */
class FetcherDeadLetterCapIT {

    @Test
    void anOversizedFrontierRecordIsDeadLetteredWithASmallImageCap() throws Exception {
        String bootstrap = TestServices.kafkaBootstrap();
        TopicAdmin.ensureTopics(new CommonConfig(bootstrap, true, 4, 10 << 20, 0, "fdlq"));
        String key = "fetcher-dlq-cap-" + System.nanoTime();
        byte[] big = new byte[Topics.JSON_MAX_RECORD_BYTES + 100 * 1024];
        Arrays.fill(big, (byte) 'x');
        try (FetcherNode fetcher = FetcherNode.start(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "OPS_PORT", "0",
                "KAFKA_TOPIC_PARTITIONS", "4", "IMAGE_MAX_BYTES", "256KB"));
             DeadLetterReader dlq = new DeadLetterReader(bootstrap);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(fetcher::isReady);
            producer.send(new ProducerRecord<>(Topics.FRONTIER, key.getBytes(), big)).get();
            Awaitility.await("dead letter of the oversized frontier record").atMost(Duration.ofSeconds(45))
                    .until(() -> dlq.poll(Set.of(key)), m -> m.containsKey(key));
            assertThat(dlq.poll(Set.of(key)).get(key).header("dlq.stage")).isEqualTo("fetcher");
        }
    }
}
