package dev.crawlocr.fetcher.bench;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.devkit.Bench;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.fetcher.FetchEngine;
import dev.crawlocr.fetcher.FetcherConfig;
import dev.crawlocr.fetcher.testing.KafkaTap;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.localcluster.Ports;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The fetcher alone against a generated site on 127.0.0.1 (several hosts, one per port; pages with PNG images),
 * politeness off. The fetcher runs as its own process from {@code fetcher-node/target/fetcher-node.jar}; the
 * benchmark feeds FetchTasks straight to {@code crawl.frontier} and counts FetchResults on {@code crawl.pages}.
 * A baseline measured in the same run GETs the same URLs with a plain load client (java.net.http, same
 * concurrency). Prints pages/s, requests/s, their ratio to the baseline, and the fetcher's RSS.
 *
 * <p>Flags: {@code --pages=2000} (total), {@code --hosts=8}, {@code --pages-per-image=4},
 * {@code --concurrency=64} (baseline concurrent GETs and FETCHER_MAX_INFLIGHT), {@code --heap=512m} (fetcher -Xmx),
 * {@code --jvm-opts=-XX:+UseParallelGC;...} (more fetcher JVM options, separated by ;).
 * Run with {@code scripts/bench fetcher [--pages=3000 ...]}.
 */
public final class FetcherBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Bench.flags(args);
        int pages = Integer.parseInt(a.getOrDefault("pages", "2000"));
        int hosts = Integer.parseInt(a.getOrDefault("hosts", "8"));
        int perImage = Integer.parseInt(a.getOrDefault("pages-per-image", "4"));
        int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "64"));
        String heap = a.getOrDefault("heap", "512m");
        String jvmOpts = a.getOrDefault("jvm-opts", "");
        Path jar = Path.of(a.getOrDefault("jar", "target/fetcher-node.jar"));
        if (!Files.exists(jar)) {
            jar = Path.of("fetcher-node/target/fetcher-node.jar");
        }
        if (!Files.exists(jar)) {
            throw new IllegalStateException("No fetcher jar at " + jar.toAbsolutePath() + ": build it with scripts/bench fetcher (or mvn -pl fetcher-node package)");
        }

        String bootstrap = TestServices.kafkaBootstrap();
        CommonConfig common = new CommonConfig(bootstrap, true, 8, 10 << 20, 0, "bench");
        TopicAdmin.ensureTopics(common);
        List<DemoSite> sites = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            sites.add(DemoSite.start("127.0.0.1", 0, pages / hosts, perImage, 42 + h));
        }
        List<String> pageUrls = sites.stream().flatMap(s -> s.pageUrls().stream()).toList();
        List<String> imageUrls = sites.stream().flatMap(s -> s.imageTexts().keySet().stream()).toList();
        System.out.printf("Generated site: %d hosts, %d pages, %d PNG images on 127.0.0.1%n", hosts, pageUrls.size(), imageUrls.size());

        HttpClient client = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        List<String> all = new ArrayList<>(pageUrls);
        all.addAll(imageUrls);
        getAll(client, all, concurrency); // renders and caches every PNG and warms the client before anything is measured
        long t0 = System.nanoTime();
        long bytes = getAll(client, all, concurrency);
        double baseSecs = (System.nanoTime() - t0) / 1e9;
        double baseReqs = all.size() / baseSecs;
        double basePages = pageUrls.size() / baseSecs;

        double enginePages = engineAlone(sites, pageUrls, imageUrls, concurrency);

        int opsPort = Ports.free();
        Process fetcher = startFetcher(jar, bootstrap, opsPort, concurrency, heap, jvmOpts);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(common, "bench");
             Results results = new Results(bootstrap)) {
            awaitReady(client, opsPort, fetcher);
            long rssIdle = rssKb(fetcher.pid(), "VmRSS");

            String warm = "bench-warmup-" + System.currentTimeMillis();
            job(producer, warm, sites);
            send(producer, warm, pageUrls, UrlKind.PAGE); // one unmeasured pass so the fetcher runs JIT-compiled code, as in a long crawl
            send(producer, warm, imageUrls, UrlKind.IMAGE);
            results.await(warm, pageUrls.size() + imageUrls.size(), Duration.ofMinutes(10));

            String crawl = "bench-" + System.currentTimeMillis();
            job(producer, crawl, sites);
            int hitsBefore = sites.stream().mapToInt(s -> s.requests().size()).sum();
            long cpu0 = Bench.cpuTicks(fetcher.pid());
            String load0 = Bench.loadAverage();
            long t1 = System.nanoTime();
            send(producer, crawl, pageUrls, UrlKind.PAGE);
            send(producer, crawl, imageUrls, UrlKind.IMAGE);
            results.await(crawl, pageUrls.size() + imageUrls.size(), Duration.ofMinutes(10));
            double secs = (System.nanoTime() - t1) / 1e9;
            double cpuSecs = (Bench.cpuTicks(fetcher.pid()) - cpu0) / 100.0;
            int requests = sites.stream().mapToInt(s -> s.requests().size()).sum() - hitsBefore;
            long rssEnd = rssKb(fetcher.pid(), "VmRSS");
            long rssPeak = rssKb(fetcher.pid(), "VmHWM");

            double fetcherPages = results.fetched(crawl, UrlKind.PAGE) / secs;
            double fetcherReqs = requests / secs;
            System.out.println();
            System.out.printf("Baseline (java.net.http, %d concurrent GETs, no parsing): %d requests (%.1f MB) in %.2f s = %.0f requests/s, %.0f pages/s%n",
                    concurrency, all.size(), bytes / 1e6, baseSecs, baseReqs, basePages);
            System.out.printf("Fetcher (FETCHER_MAX_INFLIGHT=%d, politeness off, jsoup parsing, Kafka in and out): %d pages + %d images in %.2f s%n",
                    concurrency, results.fetched(crawl, UrlKind.PAGE), results.fetched(crawl, UrlKind.IMAGE), secs);
            System.out.printf("  %.0f pages/s, %.0f requests/s (%d HTTP requests; failures: %d)%n",
                    fetcherPages, fetcherReqs, requests, results.failed(crawl));
            System.out.printf("Fetch engine alone (same rules and parsing, in this JVM, no Kafka): %.0f pages/s%n", enginePages);
            System.out.printf("Ratio fetcher/baseline: pages/s %.2f, requests/s %.2f%n", fetcherPages / basePages, fetcherReqs / baseReqs);
            System.out.printf("Fetcher process RSS (-Xmx%s): idle %d MB, end %d MB, peak %d MB%n", heap, rssIdle / 1024, rssEnd / 1024, rssPeak / 1024);
            int pagesDone = results.fetched(crawl, UrlKind.PAGE);
            System.out.printf("Fetcher CPU: %.1f s over the run = %.2f ms per page (images and Kafka included); %d cores would sustain ~%.0f pages/s%n",
                    cpuSecs, cpuSecs * 1000 / pagesDone, Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors() * pagesDone / cpuSecs);
            System.out.printf("Machine load average during the run: %s -> %s on %d cores (other processes share the CPUs)%n",
                    load0, Bench.loadAverage(), Runtime.getRuntime().availableProcessors());
            System.out.printf("Target >= 500 pages/s: %s%n", fetcherPages >= 500 ? "met" : "NOT met");
        } finally {
            fetcher.destroy();
            fetcher.waitFor();
            sites.forEach(DemoSite::close);
        }
        System.exit(0);
    }

    /**
     * The fetch engine without Kafka, in this JVM: the same tasks straight into {@link FetchEngine}, after one
     * unmeasured pass. Shows how much of the node's time is the broker round trips.
     */
    private static double engineAlone(List<DemoSite> sites, List<String> pageUrls, List<String> imageUrls, int concurrency) {
        Map<String, String> env = new HashMap<>();
        env.put("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8");
        env.put("FETCHER_POLITENESS_OVERRIDE", "true");
        env.put("FETCHER_MAX_INFLIGHT", Integer.toString(concurrency));
        env.put("FETCHER_HOST_QUEUE_MAX", "10000");
        env.put("FETCHER_QUEUE_MAX", "20000");
        CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, "engine", CrawlJob.State.RUNNING, sites.stream().map(DemoSite::seedUrl).toList(),
                CrawlScope.defaults(), new Politeness(0, 16, 0, 0, 0, 0, 0), OcrSettings.defaults(), Instant.now());
        try (FetchEngine engine = new FetchEngine(FetcherConfig.from(FetcherConfig.DEF.parse(env)), id -> java.util.Optional.of(job), new SimpleMeterRegistry())) {
            double pagesPerSecond = 0;
            for (int pass = 0; pass < 2; pass++) {
                long t = System.nanoTime();
                List<CompletableFuture<?>> all = new ArrayList<>();
                long lease = System.currentTimeMillis() + 600_000;
                for (String u : pageUrls) {
                    all.add(engine.submit(new FetchTask(FetchTask.SCHEMA, "engine", u, Urls.hostKey(u).orElseThrow(), UrlKind.PAGE, 1, 1, lease), 0));
                }
                for (String u : imageUrls) {
                    all.add(engine.submit(new FetchTask(FetchTask.SCHEMA, "engine", u, Urls.hostKey(u).orElseThrow(), UrlKind.IMAGE, 1, 1, lease), 0));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                pagesPerSecond = pageUrls.size() / ((System.nanoTime() - t) / 1e9);
            }
            return pagesPerSecond;
        }
    }

    /** Counts FetchResults per crawl as they arrive on crawl.pages. */
    private static final class Results implements AutoCloseable {
        private final Map<String, AtomicInteger> fetched = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();
        private final KafkaTap tap;

        Results(String bootstrap) {
            tap = new KafkaTap(bootstrap, Topics.PAGES, r -> {
                FetchResult f = Json.decode(r.value(), FetchResult.class);
                Map<String, AtomicInteger> m = f.status() == FetchStatus.FETCHED ? fetched : failed;
                m.computeIfAbsent(f.crawlId() + "/" + f.kind(), k -> new AtomicInteger()).incrementAndGet();
                m.computeIfAbsent(f.crawlId(), k -> new AtomicInteger()).incrementAndGet();
            });
        }

        int fetched(String crawl, UrlKind kind) {
            return count(fetched, crawl + "/" + kind);
        }

        int failed(String crawl) {
            return count(failed, crawl);
        }

        void await(String crawl, int n, Duration max) {
            org.awaitility.Awaitility.await("results of " + crawl).atMost(max).pollInterval(Duration.ofMillis(5))
                    .until(() -> count(fetched, crawl) + count(failed, crawl) >= n);
        }

        private static int count(Map<String, AtomicInteger> m, String key) {
            AtomicInteger n = m.get(key);
            return n == null ? 0 : n.get();
        }

        @Override
        public void close() {
            tap.close();
        }
    }

    private static long getAll(HttpClient client, List<String> urls, int concurrency) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (String u : urls) {
            permits.acquire();
            all.add(client.sendAsync(get(u), HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete((r, e) -> permits.release()));
        }
        long bytes = 0;
        for (int i = 0; i < all.size(); i++) {
            HttpResponse<byte[]> r;
            try {
                r = all.get(i).join();
            } catch (java.util.concurrent.CompletionException e) {
                // the JDK's HttpServer drops a connection now and then under load: one plain retry
                try {
                    r = client.send(get(urls.get(i)), HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException io) {
                    throw new IllegalStateException("Baseline GET " + urls.get(i) + " failed twice: " + io, io);
                }
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("Baseline GET " + r.uri() + " answered " + r.statusCode());
            }
            bytes += r.body().length;
        }
        return bytes;
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build();
    }

    private static void job(KafkaProducer<byte[], byte[]> producer, String crawl, List<DemoSite> sites) {
        CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, crawl, CrawlJob.State.RUNNING, sites.stream().map(DemoSite::seedUrl).toList(),
                CrawlScope.defaults(), new Politeness(0, 16, 0, 0, 0, 0, 0), OcrSettings.defaults(), Instant.now());
        Clients.send(producer, Topics.JOBS, crawl.getBytes(StandardCharsets.UTF_8), Json.encode(job), new RecordHeaders()).join();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String crawl, List<String> urls, UrlKind kind) {
        long lease = System.currentTimeMillis() + 600_000;
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (String u : urls) {
            String host = Urls.hostKey(u).orElseThrow();
            FetchTask t = new FetchTask(FetchTask.SCHEMA, crawl, u, host, kind, 1, 1, lease);
            sent.add(Clients.send(producer, Topics.FRONTIER, host.getBytes(StandardCharsets.UTF_8), Json.encode(t), new RecordHeaders()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    private static Process startFetcher(Path jar, String bootstrap, int opsPort, int inflight, String heap, String jvmOpts) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
        for (String opt : jvmOpts.split(";")) {
            if (!opt.isBlank()) {
                cmd.add(opt.trim());
            }
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KAFKA_TOPIC_PARTITIONS", "8");
        env.put("OPS_PORT", Integer.toString(opsPort));
        env.put("NODE_ID", "bench-fetcher");
        env.put("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8");
        env.put("FETCHER_POLITENESS_OVERRIDE", "true");
        env.put("FETCHER_MIN_DELAY_OVERRIDE", "0ms");
        env.put("FETCHER_MAX_INFLIGHT", Integer.toString(inflight));
        env.put("FETCHER_HOST_QUEUE_MAX", "10000");
        env.put("FETCHER_QUEUE_MAX", "20000");
        Path log = jar.toAbsolutePath().getParent().resolve("bench-fetcher.log");
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        System.out.println("Fetcher process: " + jar + " (log: " + log + ")");
        return pb.start();
    }

    private static void awaitReady(HttpClient client, int port, Process fetcher) {
        org.awaitility.Awaitility.await("fetcher /health/ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                    if (!fetcher.isAlive()) {
                        throw new IllegalStateException("The fetcher process exited with " + fetcher.exitValue() + "; see its log next to the jar");
                    }
                    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    private static long rssKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private FetcherBenchmark() {
    }
}
