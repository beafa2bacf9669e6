package dev.crawlocr.fetcher.testing;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Plays the writer's part for fetcher tests, through the real broker: publishes a crawl job, turns every newly
 * discovered URL of the crawl into a leased {@link FetchTask} on {@code crawl.frontier} (each URL once), and
 * collects the crawl's results and images.
 */
public final class CrawlHarness implements AutoCloseable {
    public final String crawlId = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Set<String> registry = ConcurrentHashMap.newKeySet();
    private final Map<String, FetchResult> results = new ConcurrentHashMap<>();
    private final List<FetchResult> allResults = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<DiscoveredUrls> discovered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final KafkaTap discoveredTap;
    private final KafkaTap pagesTap;
    private final KafkaTap imagesTap;
    private volatile boolean schedule = true;

    public CrawlHarness(String bootstrap) {
        this.bootstrap = bootstrap;
        CommonConfig common = common(bootstrap);
        TopicAdmin.ensureTopics(common);
        producer = Clients.producer(common, "harness");
        discoveredTap = new KafkaTap(bootstrap, Topics.DISCOVERED, this::onDiscovered);
        pagesTap = new KafkaTap(bootstrap, Topics.PAGES, this::onResult);
        imagesTap = new KafkaTap(bootstrap, Topics.IMAGES, null);
    }

    public static CommonConfig common(String bootstrap) {
        return new CommonConfig(bootstrap, true, 4, 10 << 20, 0, "test");
    }

    /** Environment for a fetcher node in tests: this broker, a free ops port, loopback allowed. */
    public static Map<String, String> fetcherEnv(String bootstrap) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KAFKA_TOPIC_PARTITIONS", "4");
        env.put("OPS_PORT", "0");
        env.put("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8");
        return env;
    }

    /** A crawl of {@code scope} without sitemaps, so its seeds' tasks send exactly the requests the tests count. */
    public void publishJob(List<String> seeds, CrawlScope scope, Politeness politeness) {
        CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, crawlId, CrawlJob.State.RUNNING, seeds, Engines.withoutSitemaps(scope), politeness,
                OcrSettings.defaults(), Instant.now());
        Clients.send(producer, Topics.JOBS, bytes(crawlId), Json.encode(job), new RecordHeaders()).join();
    }

    /** Seeds go out as crawlctl sends them: DiscoveredUrls at depth 0 without a source. */
    public void seed(String url) {
        String host = Urls.hostKey(url).orElseThrow();
        DiscoveredUrls d = new DiscoveredUrls(DiscoveredUrls.SCHEMA, crawlId, host, null, List.of(new DiscoveredUrls.Link(url, UrlKind.PAGE, 0)));
        Clients.send(producer, Topics.DISCOVERED, bytes(host), Json.encode(d), new RecordHeaders()).join();
    }

    /** Sends one task directly, as the scheduler would. */
    public void task(String url, UrlKind kind, int depth, long leaseUntilMs) {
        String host = Urls.hostKey(url).orElseThrow();
        FetchTask t = new FetchTask(FetchTask.SCHEMA, crawlId, url, host, kind, depth, 1, leaseUntilMs);
        Clients.send(producer, Topics.FRONTIER, bytes(host), Json.encode(t), new RecordHeaders()).join();
    }

    /** Stops turning discovered URLs into tasks (for tests that send tasks themselves). */
    public void stopScheduling() {
        schedule = false;
    }

    private void onDiscovered(ConsumerRecord<byte[], byte[]> r) {
        DiscoveredUrls d = Json.decode(r.value(), DiscoveredUrls.class);
        if (!d.crawlId().equals(crawlId)) {
            return;
        }
        discovered.add(d);
        if (!schedule) {
            return;
        }
        for (DiscoveredUrls.Link l : d.urls()) {
            if (registry.add(l.url())) {
                task(l.url(), l.kind(), l.depth(), System.currentTimeMillis() + 120_000);
            }
        }
    }

    private void onResult(ConsumerRecord<byte[], byte[]> r) {
        FetchResult f = Json.decode(r.value(), FetchResult.class);
        if (f.crawlId().equals(crawlId)) {
            results.put(f.url(), f);
            allResults.add(f);
        }
    }

    public Map<String, FetchResult> results() {
        return Map.copyOf(results);
    }

    public List<FetchResult> allResults() {
        return List.copyOf(allResults);
    }

    public List<DiscoveredUrls> discovered() {
        return List.copyOf(discovered);
    }

    public Set<String> registry() {
        return Set.copyOf(registry);
    }

    /** Image records of this crawl (crawl-id header). */
    public List<ConsumerRecord<byte[], byte[]>> images() {
        return imagesTap.records().stream().filter(r -> {
            var h = r.headers().lastHeader("crawl-id");
            return h != null && new String(h.value(), StandardCharsets.UTF_8).equals(crawlId);
        }).toList();
    }

    public String bootstrap() {
        return bootstrap;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        discoveredTap.close();
        pagesTap.close();
        imagesTap.close();
        producer.close();
    }
}
