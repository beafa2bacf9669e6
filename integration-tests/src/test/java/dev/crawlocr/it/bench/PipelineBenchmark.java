package dev.crawlocr.it.bench;

import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.ctl.CrawlJobs;
import dev.crawlocr.devkit.Bench;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.localcluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.UUID;

/**
 * {@code scripts/bench pipeline}: the local cluster (one fetcher, one analyzer, one writer, each its own process from
 * the built jars, a Kafka broker process, the local PostgreSQL) against Scrapy on the same generated sites, in one
 * run. Each crawl is timed from the moment its job is published to its completion event ({@code CrawlEvent.atMs}).
 * <ol>
 *   <li>(a) one host, an index linking {@code --index-pages} pages, 64 connections, no delay, no images; Scrapy with
 *   64 concurrent requests. Target: crawlocr >= 1.5x Scrapy's pages/s.</li>
 *   <li>(b) {@code --hosts} sites on 127.0.1.1, 127.0.1.2, ... of {@code --pages-per-host} pages each, one connection
 *   per host, {@code --delay-ms} between requests, no images; Scrapy with the same politeness. Target: >= 90% of the
 *   politeness limit (hosts / delay requests per second, robots.txt included).</li>
 *   <li>(c) the same sites with their images (one per {@code --pages-per-image} pages) OCR'd in English. Target: wall
 *   time <= 1.3x the CPU bound: (CPU-seconds of (b) + CPU-seconds of batch {@code tesseract} on the same images) / cores.</li>
 * </ol>
 * Every case also reports the completion lag: from the crawl's last stored row (max stored_at of its pages, images
 * and OCR results) to its completion event. Target: <= 1 s.
 *
 * <p>Flags: {@code --quick} (small sizes), {@code --cases=a,b,c}, {@code --index-pages=3000}, {@code --hosts=20},
 * {@code --pages-per-host=600}, {@code --pages-per-image=24}, {@code --delay-ms=50}, {@code --keep} (keep the
 * database and the work directory), {@code --node-env=NAME=value,...} (node settings beyond the defaults, for experiments;
 * printed with the results).
 */
public final class PipelineBenchmark {
    static final int MAX_DEPTH = 10_000;

    /**
     * One measured crawlocr crawl: seconds from publishing the job to the completion event; the sites' first and last
     * request of the crawl, in seconds from the same start; the completion lag after the last stored row.
     */
    record Crawl(String id, long pages, long images, long requests, double seconds, double firstRequest, double lastRequest, long lagMs,
                 CpuUse cpu) {
        double pagesPerSecond() {
            return pages / seconds;
        }

        double requestsPerSecond() {
            return requests / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> f = Bench.flags(args);
        boolean quick = f.containsKey("quick");
        String cases = f.getOrDefault("cases", "a,b,c");
        int indexPages = intFlag(f, "index-pages", quick ? 300 : 3000);
        int hosts = intFlag(f, "hosts", 20);
        int pagesPerHost = intFlag(f, "pages-per-host", quick ? 40 : 600);
        int pagesPerImage = intFlag(f, "pages-per-image", quick ? 8 : 24);
        int delayMs = intFlag(f, "delay-ms", 50);
        int cores = Runtime.getRuntime().availableProcessors();
        int maxOutlinks = Math.max(1000, indexPages + 100);

        System.out.printf(Locale.ROOT, "pipeline benchmark: %d cores, load average %s at start; Scrapy %s, %s%n", cores,
                Bench.loadAverage(), ScrapyPeer.version(), TesseractBatch.version());
        Path home = Path.of(System.getProperty("crawlocr.home", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("crawlocr-pipeline-bench");
        Postgres pg = TestServices.postgres();
        String dbUrl = pg.createDatabase("pipelinebench");
        LocalCluster cluster = new LocalCluster(work.resolve("cluster"), home);
        PipelineReport report = new PipelineReport(cores, hosts, delayMs);
        try (NginxSites served = new NginxSites(Files.createDirectories(work.resolve("sites")))) {
            // Long enough for the nodes' hot code to be compiled before the first measured crawl, whichever cases run.
            DemoSite warm = served.add("127.0.0.1", quick ? 60 : 3000, quick ? 10 : 60, 1, false);
            DemoSite index = cases.contains("a") ? served.add("127.0.0.1", indexPages + 1, indexPages + 1, 3, true) : null;
            List<DemoSite> hostSites = new ArrayList<>();
            if (cases.contains("b") || cases.contains("c")) {
                for (int h = 1; h <= hosts; h++) {
                    hostSites.add(served.add("127.0.1." + h, pagesPerHost, pagesPerImage, 100 + h, false));
                }
            }
            served.start();

            long t = System.nanoTime();
            Map<String, String> env = nodeEnv(f.getOrDefault("node-env", ""));
            cluster.start(new LocalCluster.Spec(1, 1, 1, false, 0, dbUrl, pg.user(), pg.password(), env));
            System.out.printf(Locale.ROOT, "cluster of 1 fetcher, 1 analyzer, 1 writer ready in %.0f s (jars from %s, logs in %s);"
                    + " node defaults except %s; crawls follow up to %d links per page (--max-outlinks; the index has %d);"
                    + " sites served by %s%n",
                    (System.nanoTime() - t) / 1e9, home, cluster.dir().resolve("logs"), env, maxOutlinks, indexPages, NginxSites.version());
            CrawlJobs jobs = new CrawlJobs(new CommonConfig(cluster.bootstrapServers(), true, 24, 10 << 20, 0, "pipeline-bench"));
            Pipeline pipeline = new Pipeline(jobs, cluster, served, dbUrl, pg, maxOutlinks);
            ScrapyPeer scrapy = new ScrapyPeer(work);

            Crawl w = pipeline.crawl("warmup", List.of(warm), new Politeness(0, 16, 0, 0, 0, 0, 0), true);
            System.out.printf(Locale.ROOT, "warm-up crawl (not measured): %d pages, %d images in %.1f s%n", w.pages(), w.images(), w.seconds());

            if (index != null) {
                System.out.printf(Locale.ROOT, "%n(a) one host %s: an index page linking %,d pages; 64 connections, no delay, no images%n",
                        index.baseUrl(), indexPages);
                Crawl ours = pipeline.crawl("a", List.of(index), new Politeness(0, 64, 0, 0, 0, 0, 0), false);
                ScrapyPeer.Run theirs = scrapy.crawl("a", List.of(index.seedUrl()), Map.of("CONCURRENT_REQUESTS", "64",
                        "CONCURRENT_REQUESTS_PER_DOMAIN", "64", "DOWNLOAD_DELAY", "0"));
                report.a(ours, theirs);
            }
            if (!hostSites.isEmpty()) {
                int images = hostSites.stream().mapToInt(s -> s.imageTexts().size()).sum();
                System.out.printf(Locale.ROOT, "%n(b), (c) %d hosts 127.0.1.1-127.0.1.%d, %d pages each (%,d pages), one image per %d pages"
                        + " (%,d images, for (c)); %d ms delay, one connection per host%n", hosts, hosts, pagesPerHost, hosts * pagesPerHost,
                        pagesPerImage, images, delayMs);
                Politeness polite = new Politeness(delayMs, 1, 0, 0, 0, 0, 0);
                Crawl b = pipeline.crawl("b", hostSites, polite, false);
                // Enough global concurrency that every host always has requests queued (8 each), handed out by the queue
                // Scrapy's documentation advises for crawls of many hosts.
                ScrapyPeer.Run theirs = scrapy.crawl("b", hostSites.stream().map(DemoSite::seedUrl).toList(), Map.of(
                        "CONCURRENT_REQUESTS", Integer.toString(hosts * 8), "CONCURRENT_REQUESTS_PER_DOMAIN", "1",
                        "DOWNLOAD_DELAY", Double.toString(delayMs / 1000.0), "RANDOMIZE_DOWNLOAD_DELAY", "False",
                        "SCHEDULER_PRIORITY_QUEUE", "scrapy.pqueues.DownloaderAwarePriorityQueue"));
                report.b(b, theirs);
                if (cases.contains("c")) {
                    TesseractBatch.Run batch = new TesseractBatch(work.resolve("images"), cores).run(hostSites);
                    System.out.printf(Locale.ROOT, "batch tesseract (%d processes, list files, -l eng): %d images in %.1f s, %.1f CPU-s"
                            + " (%.1f busy CPU-s on the machine)%n", cores, batch.images(), batch.seconds(), batch.cpu().own(), batch.cpu().machine());
                    Crawl c = pipeline.crawl("c", hostSites, polite, true);
                    report.c(b, batch, c);
                }
            }
            report.print();
        } finally {
            cluster.stop();
            if (!f.containsKey("keep")) {
                pg.dropDatabase(dbUrl);
                deleteRecursively(work);
            } else {
                System.out.println("kept database " + dbUrl + " and " + work);
            }
        }
        System.exit(0);
    }

    /** Runs crawls on the cluster and measures each one. */
    record Pipeline(CrawlJobs jobs, LocalCluster cluster, NginxSites served, String dbUrl, Postgres pg, int maxOutlinks) {

        Crawl crawl(String name, List<DemoSite> sites, Politeness politeness, boolean images) throws SQLException {
            String id = "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
            CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, sites.stream().map(DemoSite::seedUrl).toList(),
                    new CrawlScope(List.of(), List.of(), List.of(), List.of(), MAX_DEPTH, 0, 0, null, images, maxOutlinks, true), politeness,
                    new OcrSettings("eng", null, null, null), Instant.now());
            try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password())) {
                CpuUse.Sample cpu = CpuUse.sample(pids(db));
                long t0 = System.currentTimeMillis();
                jobs.start(job);
                CrawlEvent done = jobs.awaitCompletion(id, Duration.ofMinutes(30), null)
                        .orElseThrow(() -> new IllegalStateException("crawl " + id + " did not complete within 30 minutes; see " + cluster.dir()));
                CpuUse used = cpu.until(CpuUse.sample(pids(db)));
                LongSummaryStatistics requests = served.requests(sites, t0);
                return new Crawl(id, done.counts().getOrDefault("pages", 0L), done.counts().getOrDefault("images", 0L), requests.getCount(),
                        (done.atMs() - t0) / 1000.0, (requests.getMin() - t0) / 1000.0, (requests.getMax() - t0) / 1000.0,
                        done.atMs() - lastStoredMs(db, id), used);
            }
        }

        /**
         * The cluster's processes (broker and nodes, named without their instance number), nginx serving the sites,
         * this JVM (it publishes the jobs and waits for their events) and the database's backends, by pid.
         */
        private Map<Long, String> pids(Connection db) throws SQLException {
            Map<Long, String> pids = new HashMap<>();
            cluster.members().stream().filter(LocalCluster.Member::alive).forEach(m -> pids.put(m.pid(), m.name().replaceAll("-\\d+$", "")));
            served.pids().forEach(pid -> pids.put(pid, "sites"));
            pids.put(ProcessHandle.current().pid(), "bench");
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")) {
                while (rs.next()) {
                    pids.put(rs.getLong(1), "postgres");
                }
            }
            return pids;
        }

        /** Epoch ms of the crawl's last stored row: the latest stored_at of its pages, images and OCR results. */
        private static long lastStoredMs(Connection db, String id) throws SQLException {
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT (extract(epoch FROM max(t)) * 1000)::bigint FROM (
                        SELECT max(stored_at) AS t FROM pages WHERE crawl_id = ? UNION ALL
                        SELECT max(stored_at) FROM images WHERE crawl_id = ? UNION ALL
                        SELECT max(stored_at) FROM ocr_results WHERE crawl_id = ?) s""")) {
                for (int i = 1; i <= 3; i++) {
                    ps.setString(i, id);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    /** The nodes' settings beyond their defaults: local sites, and {@code extra} (NAME=value,...). */
    private static Map<String, String> nodeEnv(String extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8");
        for (String setting : extra.split(",")) {
            if (setting.contains("=")) {
                env.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
            }
        }
        return env;
    }

    private static int intFlag(Map<String, String> f, String name, int fallback) {
        return f.containsKey(name) ? Integer.parseInt(f.get(name)) : fallback;
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private PipelineBenchmark() {
    }
}
