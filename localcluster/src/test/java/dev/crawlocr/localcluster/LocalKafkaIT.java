package dev.crawlocr.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaIT {

    @Test
    void brokerProcessKeepsRecordsAcrossARestart() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(Files.createTempDirectory("kafka-it"), 0)) {
            String bs = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bs))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (var p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bs, "acks", "all"), new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("t", "k", "before restart")).get(30, TimeUnit.SECONDS);
            }
            kafka.restart();
            try (var c = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bs, "group.id", "g", "auto.offset.reset", "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of("t"));
                String value = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (value == null && System.nanoTime() < deadline) {
                    ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(500));
                    if (!rs.isEmpty()) {
                        value = rs.iterator().next().value();
                    }
                }
                assertThat(value).isEqualTo("before restart");
            }
        }
    }
}
