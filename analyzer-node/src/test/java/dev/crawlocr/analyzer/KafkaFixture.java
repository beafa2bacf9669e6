package dev.crawlocr.analyzer;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.TopicReader;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.devkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces crawls and images to the test broker and reads what the analyzer wrote back. */
final class KafkaFixture implements AutoCloseable {
    final String bootstrap = TestServices.kafkaBootstrap();
    private final KafkaProducer<byte[], byte[]> producer;

    KafkaFixture() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 20 << 20);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(p);
    }

    /** Node settings for tests: this broker, a free ops port, a private state directory. */
    Map<String, String> env(String nodeId, java.nio.file.Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KAFKA_TOPIC_PARTITIONS", "6");
        env.put("OPS_PORT", "0");
        env.put("NODE_ID", nodeId);
        env.put("ANALYZER_WORKERS", "2");
        env.put("ANALYZER_STATE_DIR", stateDir.toString());
        env.put("OMP_THREAD_LIMIT", "1");
        return env;
    }

    String crawl(OcrSettings ocr) throws Exception {
        String crawlId = "it-" + UUID.randomUUID();
        CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, crawlId, CrawlJob.State.RUNNING, List.of("http://127.0.0.1/"), null, null, ocr, Instant.now());
        producer.send(new ProducerRecord<>(Topics.JOBS, bytes(crawlId), Json.encode(job))).get();
        return crawlId;
    }

    /** Sends image bytes as the fetcher would; returns the content hash (the key). */
    String image(String crawlId, String url, byte[] bytes, String contentType) throws Exception {
        String hash = Hashes.sha256Hex(bytes);
        ImageMeta meta = new ImageMeta(ImageMeta.SCHEMA, crawlId, url, hash, contentType);
        producer.send(new ProducerRecord<>(Topics.IMAGES, null, bytes(hash), bytes, meta.toHeaders())).get();
        return hash;
    }

    /** Every OCR result of the crawl now in crawl.ocr, read from the beginning. */
    List<OcrResult> results(String crawlId) {
        List<OcrResult> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.OCR)) {
            OcrResult result = Json.decode(r.value(), OcrResult.class);
            if (result.crawlId().equals(crawlId)) {
                out.add(result);
            }
        }
        return out;
    }

    /** Dead letters whose headers name the crawl. */
    List<ConsumerRecord<byte[], byte[]>> deadLetters(String crawlId) {
        return readAll(Topics.DEAD_LETTER).stream().filter(r -> {
            var h = r.headers().lastHeader("crawl-id");
            return h != null && new String(h.value(), StandardCharsets.UTF_8).equals(crawlId);
        }).toList();
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (TopicReader reader = TopicReader.builder(bootstrap).fetchBytes(20 << 20).metadataTimeout(Duration.ofSeconds(30)).build(topic)) {
            if (!reader.readToEnd(Duration.ofSeconds(60), out::add)) {
                throw new IllegalStateException(topic + " was not read to its end within 60 s");
            }
        }
        return out;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
