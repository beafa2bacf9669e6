package dev.crawlocr.writer;

import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.kafka.TopicReader;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;

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

    CrawlJob startCrawl(String... seeds) {
        return startCrawl(Politeness.defaults(), seeds);
    }

    CrawlJob startCrawl(Politeness politeness, String... seeds) {
        CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, crawlId, CrawlJob.State.RUNNING, List.of(seeds), null, politeness, null, Instant.now());
        send(Topics.JOBS, crawlId, job);
        for (String seed : seeds) {
            discovered(null, List.of(new DiscoveredUrls.Link(seed, UrlKind.PAGE, 0)));
        }
        return job;
    }

    void discovered(String source, List<DiscoveredUrls.Link> links) {
        discovered(source, links, 0, 0);
    }

    /** Links a fetch found, as the fetcher sends them: record {@code part} of the fetch at {@code fetchedAtMs}. */
    void discovered(String source, List<DiscoveredUrls.Link> links, long fetchedAtMs, int part) {
        String host = Urls.hostKey(links.get(0).url()).orElseThrow();
        send(Topics.DISCOVERED, host, new DiscoveredUrls(DiscoveredUrls.SCHEMA, crawlId, host, source, links, fetchedAtMs, part, false));
    }

    static String text(String url, int chars) {
        StringBuilder sb = new StringBuilder("Page " + url + " about lighthouses and harbours. ");
        while (sb.length() < chars) {
            sb.append("The keeper climbs the stairs every evening to light the lamp over the grey sea. ");
        }
        return sb.substring(0, chars);
    }

    FetchResult page(FetchTask task, String title, String text, List<String> images) {
        return page(task, title, text, images, Map.of());
    }

    /** A fetched page whose links the fetcher's guards dropped as {@code dropped} counts. */
    FetchResult page(FetchTask task, String title, String text, List<String> images, Map<String, Integer> dropped) {
        return new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.PAGE, task.depth(), FetchStatus.FETCHED, null,
                task.url(), 200, "text/html", title, text, false, "hash-" + task.url().hashCode(), text.length(), 3, dropped, images, null,
                System.currentTimeMillis(), 12, 1, task.maxRequests(), 0, task.leaseUntilMs());
    }

    /** A response kept as data, as the fetcher sends it: the body as text, no title, no links. */
    static FetchResult data(FetchTask task, String contentType, String body, boolean truncated) {
        return new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.PAGE, task.depth(), FetchStatus.FETCHED, null,
                task.url(), 200, contentType, null, body, truncated, "hash-" + task.url().hashCode(),
                body.getBytes(StandardCharsets.UTF_8).length, 0, Map.of(), List.of(), null, System.currentTimeMillis(), 9, 1, task.maxRequests(), 0,
                task.leaseUntilMs());
    }

    FetchResult image(FetchTask task, String contentHash) {
        return new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.IMAGE, task.depth(), FetchStatus.FETCHED, null,
                task.url(), 200, "image/png", null, null, false, contentHash, 2048, 0, Map.of(), List.of(), null, System.currentTimeMillis(), 7,
                1, task.maxRequests(), 0, task.leaseUntilMs());
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

    static String pageUrl(int i) {
        return "http://site.test/p" + i + ".html";
    }

    static String imageUrl(int j) {
        return "http://img.site.test/i" + j + ".png";
    }

    /**
     * A generated site for a {@link FakeFetcher}: page i (the seed is page 0) links to pages 2i+1 and 2i+2 when
     * they exist and shows image i % images; its links go out as two numbered records before its result. Images are "OCR'd" at once (the OCR result is produced before the
     * image's fetch result, as can happen in the pipeline). Every page and image is fetched with status FETCHED.
     */
    java.util.function.Consumer<FetchTask> site(int pages, int images) {
        return task -> {
            if (task.kind() == UrlKind.IMAGE) {
                String hash = "hash-" + crawlId + "-" + task.url().substring(task.url().lastIndexOf('/') + 1);
                send(Topics.OCR, hash, ocr(hash, task.url(), "EXIT " + task.url().substring(task.url().lastIndexOf('/') + 1)));
                fetched(image(task, hash));
                return;
            }
            int i = Integer.parseInt(task.url().replaceAll(".*/p(\\d+)\\.html", "$1"));
            List<DiscoveredUrls.Link> links = new ArrayList<>();
            for (int child : new int[] {2 * i + 1, 2 * i + 2}) {
                if (child < pages) {
                    links.add(new DiscoveredUrls.Link(pageUrl(child), UrlKind.PAGE, task.depth() + 1));
                }
            }
            links.add(new DiscoveredUrls.Link(pageUrl(0), UrlKind.PAGE, task.depth() + 1));
            String img = imageUrl(i % images);
            FetchResult page = page(task, "Page " + i, text(task.url(), 600), List.of(img)).withLinkRecords(2);
            discovered(task.url(), links, page.fetchedAtMs(), 0);
            discovered(task.url(), List.of(new DiscoveredUrls.Link(img, UrlKind.IMAGE, task.depth() + 1)), page.fetchedAtMs(), 1);
            fetched(page);
        };
    }

    /** Reads crawl.frontier from the beginning (no group), keeping this kit's crawl's tasks in order of arrival. */
    final class Frontier implements AutoCloseable {
        private final TopicReader reader = TopicReader.builder(bootstrap).build(Topics.FRONTIER);
        private final List<FetchTask> tasks = new ArrayList<>();

        Frontier() {
            reader.partitions();
        }

        List<FetchTask> poll() {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
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

        /** Waits until {@code n} tasks for {@code url} have arrived, and returns the n-th (a recrawl's cycles start at attempt 1 again). */
        FetchTask awaitNth(String url, int n) {
            org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> poll().stream().filter(t -> t.url().equals(url)).count() >= n);
            return tasks.stream().filter(t -> t.url().equals(url)).skip(n - 1).findFirst().orElseThrow();
        }

        List<FetchTask> seen() {
            return List.copyOf(tasks);
        }

        @Override
        public void close() {
            reader.close();
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

    void execute(String sql) {
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.execute(sql);
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

    /** Row counts of this crawl in every table, for replay checks. */
    Map<String, Long> tableCounts() {
        Map<String, Long> counts = new HashMap<>();
        counts.put("crawls", count("SELECT count(*) FROM crawls WHERE id = '" + crawlId + "'"));
        for (String t : List.of("urls", "pages", "images", "page_images", "ocr_results", "fetch_errors")) {
            counts.put(t, count("SELECT count(*) FROM " + t + " WHERE crawl_id = '" + crawlId + "'"));
        }
        return counts;
    }

    /**
     * Waits until the node's consumers have their partitions (/health/ready), so that closing it leaves its group
     * cleanly instead of in the middle of joining, which would hold up the next writer's join.
     */
    static void awaitReady(WriterNode node) {
        await().atMost(60, TimeUnit.SECONDS).until(() -> {
            try (var client = java.net.http.HttpClient.newHttpClient()) {
                return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.ops().port() + "/health/ready"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    /** The value of a Prometheus sample from the node's /metrics, e.g. "writer_db_retries_total{" ; 0 when absent. */
    static double metric(WriterNode node, String prefix) {
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            String body = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.ops().port() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> l.startsWith(prefix))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads a topic from the beginning without a group, keeping the records whose value or key passes the filter. */
    final class Tap implements AutoCloseable {
        private final TopicReader reader;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> filter;

        Tap(String topic, java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> filter) {
            this.filter = filter;
            reader = TopicReader.builder(bootstrap).build(topic);
            reader.partitions();
            closeables.add(this);
        }

        List<ConsumerRecord<byte[], byte[]>> poll() {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                if (filter.test(r)) {
                    records.add(r);
                }
            }
            return List.copyOf(records);
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    /** This crawl's events on crawl.events. */
    Tap events() {
        return new Tap(Topics.EVENTS, r -> new String(r.key(), StandardCharsets.UTF_8).equals(crawlId));
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
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
