package dev.crawlocr.writer;


import dev.crawlocr.common.Topics;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the writer's integration tests share: a real broker and a fresh database per kit, a producer playing
 * crawlctl, the fetcher and the analyzer, a reader of {@code crawl.frontier}, and SQL helpers.
 */
final class WriterKit implements AutoCloseable {
    static final int PARTITIONS = 3;

    final String bootstrap = TestServices.kafkaBootstrap();
    final Postgres postgres = TestServices.postgres();
    final String dbUrl = postgres.createDatabase("writer");
    final String crawlId = "crawl-" + UUID.randomUUID().toString().substring(0, 8);
    final CommonConfig common = new CommonConfig(bootstrap, true, PARTITIONS, 10 << 20, 0, "writer-it");
    final KafkaProducer<byte[], byte[]> producer;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    WriterKit() {
        TopicAdmin.ensureTopics(common);
        producer = Clients.producer(common, "writer-it");
    }

    Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KAFKA_TOPIC_PARTITIONS", Integer.toString(PARTITIONS));
        env.put("OPS_PORT", "0");
        env.put("DATABASE_URL", dbUrl);
        env.put("DATABASE_USER", postgres.user());
        env.put("DATABASE_PASSWORD", postgres.password());
        env.put("WRITER_BATCH_LINGER", "10ms");
        env.put("WRITER_SCHEDULER_INTERVAL", "100ms");
        env.put("WRITER_COMPLETION_SETTLE", "1s");
        env.put("WRITER_COMPLETION_INTERVAL", "200ms");
        env.put("WRITER_DB_MAX_BACKOFF", "1s");
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    WriterNode startWriter(String... extra) {
        WriterNode node = WriterNode.start(env(extra));
        closeables.add(node);
        return node;
    }

    void send(String topic, String key, Object value) {
        Clients.send(producer, topic, key.getBytes(StandardCharsets.UTF_8), Json.encode(value), null).join();
    }

    void sendRaw(String topic, String key, byte[] value) {
        Clients.send(producer, topic, key.getBytes(StandardCharsets.UTF_8), value, null).join();
    }

    void startCrawl(String... seeds) {
        startCrawl(Politeness.defaults(), seeds);
    }

    void startCrawl(Politeness politeness, String... seeds) {
        send(Topics.JOBS, crawlId, new CrawlJob(CrawlJob.SCHEMA, crawlId, CrawlJob.State.RUNNING, List.of(seeds), null, politeness, null,
                Instant.now()));
        for (String seed : seeds) {
            discovered(null, List.of(new DiscoveredUrls.Link(seed, UrlKind.PAGE, 0)));
        }
    }

    void discovered(String source, List<DiscoveredUrls.Link> links) {
        String host = Urls.hostKey(links.get(0).url()).orElseThrow();
        send(Topics.DISCOVERED, host, new DiscoveredUrls(DiscoveredUrls.SCHEMA, crawlId, host, source, links));
    }

    static String text(String url, int chars) {
        StringBuilder sb = new StringBuilder("Page " + url + " about lighthouses and harbours. ");
        while (sb.length() < chars) {
            sb.append("The keeper climbs the stairs every evening to light the lamp over the grey sea. ");
        }
        return sb.substring(0, chars);
    }

    FetchResult page(FetchTask task, String title, String text, List<String> images) {
        return new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.PAGE, task.depth(), FetchStatus.FETCHED, null,
                task.url(), 200, "text/html", title, text, false, "hash-" + task.url().hashCode(), text.length(), 3, images, null,
                System.currentTimeMillis(), 12);
    }

    FetchResult image(FetchTask task, String contentHash) {
        return new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.IMAGE, task.depth(), FetchStatus.FETCHED, null,
                task.url(), 200, "image/png", null, null, false, contentHash, 2048, 0, List.of(), null, System.currentTimeMillis(), 7);
    }

    void fetched(FetchResult result) {
        send(Topics.PAGES, result.url(), result);
    }

    OcrResult ocr(String contentHash, String imageUrl, String text) {
        List<OcrResult.Word> words = new ArrayList<>();
        int x = 0;
        for (String w : text.split(" ")) {
            words.add(new OcrResult.Word(w, 91.5f, x, 4, w.length() * 10, 20));
            x += w.length() * 10 + 8;
        }
        return new OcrResult(OcrResult.SCHEMA, crawlId, contentHash, imageUrl, OcrResult.Status.OK, null, text, 91.5f, words, "eng",
                "5.3.0", "png", 320, 40, 3, 2, 150);
    }

    /** Reads crawl.frontier from the beginning (no group), keeping this kit's crawl's tasks in order of arrival. */
    final class Frontier implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<FetchTask> tasks = new ArrayList<>();

        Frontier() {
            Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> tps = consumer.partitionsFor(Topics.FRONTIER).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
        }

        List<FetchTask> poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                FetchTask t = Json.decode(r.value(), FetchTask.class);
                if (t.crawlId().equals(crawlId)) {
                    tasks.add(t);
                }
            }
            return tasks;
        }

        /** Waits until a task for {@code url} has arrived, and returns the latest one. */
        FetchTask await(String url) {
            return awaitAttempt(url, 1);
        }

        FetchTask awaitAttempt(String url, int attempt) {
            org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> poll().stream().anyMatch(t -> t.url().equals(url) && t.attempt() >= attempt));
            return tasks.stream().filter(t -> t.url().equals(url) && t.attempt() >= attempt).findFirst().orElseThrow();
        }

        List<FetchTask> seen() {
            return List.copyOf(tasks);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    Frontier frontier() {
        Frontier f = new Frontier();
        closeables.add(f);
        return f;
    }

    Connection db() throws SQLException {
        return DriverManager.getConnection(dbUrl, postgres.user(), postgres.password());
    }

    long count(String sql) {
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    List<String> strings(String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Row counts of every table, for replay checks. */
    Map<String, Long> tableCounts() {
        Map<String, Long> counts = new HashMap<>();
        for (String t : List.of("crawls", "urls", "pages", "images", "page_images", "ocr_results", "fetch_errors")) {
            counts.put(t, count("SELECT count(*) FROM " + t));
        }
        return counts;
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        producer.close();
    }
}
