package dev.crawlocr.ctl;

import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.localcluster.Cer;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.localcluster.LocalCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code crawlctl demo}: starts a local cluster (broker process, the three nodes), serves a generated demo site on
 * 127.0.0.1, crawls it, prints the pages, images and OCR text found next to the text rendered into each image,
 * and stops everything it started.
 */
@Command(name = "demo", description = "Crawl a bundled demo site on a local cluster and print what was found (offline).")
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Crawlctl root;
    @Option(names = "--pages", defaultValue = "24", description = "Pages of the demo site (default ${DEFAULT-VALUE})")
    int pages;
    @Option(names = "--pages-per-image", defaultValue = "2", description = "One image per this many pages (default ${DEFAULT-VALUE})")
    int pagesPerImage;
    @Option(names = "--dir", defaultValue = "run/demo", description = "State and logs directory (default ${DEFAULT-VALUE})")
    Path dir;
    @Option(names = "--home", defaultValue = "${env:CRAWLOCR_HOME:-.}", description = "The crawlocr checkout with the built node jars")
    Path home;
    private String lastProgress = "";

    @Option(names = "--keep", description = "Leave the cluster running afterwards (stop it with 'crawlctl cluster stop --dir DIR')")
    boolean keep;
    @Option(names = "--database", defaultValue = "crawlocr_demo",
            description = "Database of the demo on the --db-url server, created when missing (default ${DEFAULT-VALUE}): the demo is a"
                    + " deployment of its own, and a database belongs to one")
    String database;

    @Override
    public Integer call() throws Exception {
        root.dbUrl = demoDatabase();
        try (Connection ignored = root.connect()) {
            System.out.println("PostgreSQL reachable at " + root.dbUrl);
        }
        LocalCluster cluster = new LocalCluster(dir, home);
        long t0 = System.nanoTime();
        System.out.println("starting a Kafka broker and one fetcher, analyzer and writer (logs in " + cluster.dir().resolve("logs") + ")...");
        cluster.start(new LocalCluster.Spec(1, 1, 1, false, 0, root.dbUrl, root.dbUser, root.dbPassword, Nodes.localEnv("127.0.0.0/8")));
        try (DemoSite site = DemoSite.start("127.0.0.1", 0, pages, pagesPerImage, 42)) {
            System.out.printf("cluster ready in %d s; demo site at %s (%d pages, %d images)%n", secondsSince(t0), site.baseUrl(), pages,
                    site.imageTexts().size());
            CommonConfig kafka = new CommonConfig(cluster.bootstrapServers(), true, 24, 10 << 20, 0, "crawlctl-demo");
            String id = "demo-" + UUID.randomUUID().toString().substring(0, 8);
            CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, List.of(site.seedUrl()),
                    new CrawlScope(List.of(), List.of(), List.of(), List.of(), 20, 0, 0, null, true, 0, true),
                    new Politeness(20, 2, 0, 0, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now());
            CrawlJobs jobs = new CrawlJobs(kafka);
            jobs.start(job);
            System.out.println("crawl " + id + " started at " + site.seedUrl());
            Optional<CrawlEvent> done = jobs.awaitCompletion(id, Duration.ofMinutes(4), () -> progress(id));
            System.out.println();
            if (done.isEmpty()) {
                System.out.println("crawl " + id + " did not complete within 4 minutes; logs are in " + cluster.dir().resolve("logs"));
                return 1;
            }
            System.out.printf("crawl %s completed in %d s: %s%n%n", id, secondsSince(t0), done.get().counts());
            return report(id, site.imageTexts());
        } finally {
            if (keep) {
                System.out.println("cluster left running: crawlctl cluster status --dir " + dir);
            } else {
                cluster.stop();
                System.out.println("stopped the cluster");
            }
        }
    }

    /** Prints the crawl's counts when they change: on one redrawn line in a terminal, else a line each. */
    private void progress(String id) {
        try (Connection db = root.db()) {
            for (var c : StatusCommand.crawls(db, id)) {
                String line = String.format("  urls %d, pending %d, pages %d, images %d, ocr %d", c.total(), c.pending(), c.pages(), c.images(), c.ocrOk());
                if (!line.equals(lastProgress)) {
                    lastProgress = line;
                    System.out.print(System.console() != null ? "\r" + line + "   " : line + "\n");
                }
            }
        } catch (Exception e) {
            // progress is best effort; the crawl itself is unaffected
        }
    }

    private int report(String id, Map<String, String> expected) throws Exception {
        try (Connection db = root.db()) {
            var status = StatusCommand.crawls(db, id).getFirst();
            System.out.printf("pages fetched: %d%nimages fetched: %d%nOCR results: %d ok, %d failed%n%n", status.pages(), status.images(),
                    status.ocrOk(), status.ocrFailed());
            double worst = 0;
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT i.url, o.text, o.mean_confidence FROM images i
                    JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
                    WHERE i.crawl_id = ? ORDER BY length(i.url), i.url""")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String want = expected.getOrDefault(rs.getString(1), "");
                        double cer = Cer.of(want, rs.getString(2));
                        worst = Math.max(worst, cer);
                        System.out.printf("%s%n  OCR:      %s  (confidence %.0f)%n  rendered: %s  (CER %.1f%%)%n", rs.getString(1),
                                Cer.normalize(rs.getString(2)), rs.getFloat(3), Cer.normalize(want), 100 * cer);
                    }
                }
            }
            System.out.printf("%nworst character error rate: %.1f%%%n", 100 * worst);
            System.out.println("try: scripts/crawlctl search --crawl " + id + " <a word above>");
            return status.pages() == pages && status.ocrOk() == expected.size() ? 0 : 1;
        }
    }

    /** The URL of the demo's database on the --db-url server, which is created when it does not exist. */
    private String demoDatabase() {
        Matcher m = Pattern.compile("(jdbc:postgresql://[^/]*/)([^?]*)(.*)").matcher(root.dbUrl);
        if (!m.matches() || !database.matches("[a-z_][a-z0-9_]*")) {
            throw new UserError("Cannot name the demo's database in " + root.dbUrl + ": give --db-url jdbc:postgresql://HOST:PORT/DB and"
                    + " --database as lower-case letters, digits and '_'");
        }
        try (Connection c = DriverManager.getConnection(root.dbUrl, root.dbUser, root.dbPassword); Statement st = c.createStatement()) {
            if (!st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'").next()) {
                st.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            throw new UserError("Cannot create the demo's database " + database + " at " + root.dbUrl + " as " + root.dbUser + ": "
                    + e.getMessage() + " (create it, or pass --database with one that exists)", e);
        }
        return m.group(1) + database + m.group(3);
    }

    private static long secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000_000L;
    }
}
