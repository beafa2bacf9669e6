package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.TopicReader;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.devkit.TextImages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A two-cycle recrawl through the local cluster. A site of twelve pages and an image: in the second cycle half of
 * the pages (six) answer with new text, five answer the conditional GET with 304, one is gone (404), and the image,
 * served without validators, comes back with the same bytes. Every URL is fetched once per cycle, the second cycle's
 * event counts exactly that, the changed pages keep their previous hash, the unchanged ones are not rewritten, and
 * the image is OCR'd once.
 */
class RecrawlIT {
    private static final int PAGES = 11; // and the index
    private static final int CHANGING = 6; // p1..p6, half of the twelve pages
    private static final int GONE = 11; // p11
    private static final String WORDS = "harbour lantern";

    /** Requests per path, and the If-None-Match each sent ("-" when none). */
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<String> conditionals = new CopyOnWriteArrayList<>();
    private final byte[] image = TextImages.png(List.of(WORDS + " " + UUID.randomUUID().toString().substring(0, 6)), "DejaVu Sans", 28, false);

    @Test
    void theSecondCycleFetchesOnlyWhatChangedAndCountsChangedUnchangedAndGonePages() throws Exception {
        SharedCluster shared = SharedCluster.get();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        String id = "recrawl-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection db = DriverManager.getConnection(shared.dbUrl(), shared.postgres().user(), shared.postgres().password());
             TopicReader events = TopicReader.builder(shared.cluster().bootstrapServers()).build(Topics.EVENTS)) {
            long started = System.nanoTime();
            CrawlctlIT.Result crawl = shared.crawlctl("crawl", "start", "--id", id, "--seed", base + "/index.html", "--delay", "0s",
                    "--recrawl-interval", "5s", "--lang", "eng");
            assertThat(crawl.exitCode()).as(crawl.err()).isZero();
            List<CrawlEvent> cycles = new ArrayList<>();

            Map<String, Long> first = awaitCycle(events, id, 1, cycles);
            double firstSeconds = (System.nanoTime() - started) / 1e9;
            assertThat(first).containsEntry("cycleUrls", PAGES + 2L).containsEntry("new", PAGES + 2L).containsEntry("changed", 0L)
                    .containsEntry("unchanged", 0L).containsEntry("gone", 0L).containsEntry("failed", 0L).containsEntry("ocr", 1L);
            Map<String, String> storedAt = rows(db, "SELECT url, stored_at::text FROM pages WHERE crawl_id = '" + id + "'");
            Map<String, String> firstHashes = rows(db, "SELECT url, content_hash FROM urls WHERE crawl_id = '" + id + "'");

            long second = System.nanoTime();
            Map<String, Long> next = awaitCycle(events, id, 2, cycles);
            double secondSeconds = (System.nanoTime() - second) / 1e9;
            assertThat(shared.crawlctl("crawl", "stop", id).exitCode()).isZero();
            assertThat(next).containsEntry("cycleUrls", PAGES + 2L).containsEntry("changed", (long) CHANGING)
                    .containsEntry("unchanged", PAGES + 2L - CHANGING - 1).containsEntry("gone", 1L).containsEntry("new", 0L)
                    .containsEntry("failed", 0L);

            // each URL fetched once per cycle; the five unchanged pages and the index answered a conditional GET
            for (int i = 1; i <= PAGES; i++) {
                assertThat(hits.get("/p" + i + ".html").get()).as("fetches of p%d", i).isEqualTo(2);
            }
            assertThat(hits.get("/index.html").get()).isEqualTo(2);
            assertThat(hits.get("/lantern.png").get()).isEqualTo(2);
            assertThat(conditionals).filteredOn(c -> !c.endsWith(" -")).hasSize(PAGES + 1)
                    .allSatisfy(c -> assertThat(c).matches("/(index|p\\d+)\\.html \"v1-.*\""));

            // what the registry and the pages say now
            Map<String, String> change = rows(db, "SELECT url, change FROM urls WHERE crawl_id = '" + id + "'");
            Map<String, String> prev = rows(db, "SELECT url, prev_content_hash FROM urls WHERE crawl_id = '" + id + "'");
            Map<String, String> texts = rows(db, "SELECT url, text FROM pages WHERE crawl_id = '" + id + "'");
            Map<String, String> storedNow = rows(db, "SELECT url, stored_at::text FROM pages WHERE crawl_id = '" + id + "'");
            for (int i = 1; i <= PAGES; i++) {
                String url = base + "/p" + i + ".html";
                if (i <= CHANGING) {
                    assertThat(change.get(url)).as(url).isEqualTo("changed");
                    assertThat(prev.get(url)).as(url).isEqualTo(firstHashes.get(url));
                    assertThat(texts.get(url)).as(url).contains("second version");
                } else if (i == GONE) {
                    assertThat(change.get(url)).as(url).isEqualTo("gone");
                    assertThat(prev.get(url)).as(url).isEqualTo(firstHashes.get(url));
                } else {
                    assertThat(change.get(url)).as(url).isEqualTo("unchanged");
                    assertThat(storedNow.get(url)).as("%s not rewritten", url).isEqualTo(storedAt.get(url));
                    assertThat(texts.get(url)).as(url).contains("first version");
                }
            }
            assertThat(change.get(base + "/lantern.png")).isEqualTo("unchanged");

            // the image went to the analyzer once, in the first cycle
            String hash = Hashes.sha256Hex(image);
            AtomicInteger sent = new AtomicInteger();
            try (TopicReader images = TopicReader.builder(shared.cluster().bootstrapServers()).build(Topics.IMAGES)) {
                assertThat(images.readToEnd(Duration.ofSeconds(60), r -> {
                    if (new String(r.key(), StandardCharsets.UTF_8).equals(hash)) {
                        sent.incrementAndGet();
                    }
                })).isTrue();
            }
            assertThat(sent.get()).as("records of the image on " + Topics.IMAGES).isEqualTo(1);

            CrawlctlIT.Result status = shared.crawlctl("status", id);
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).containsPattern("recrawl  every 5 s; cycle 3: \\d+ of 13 URLs fetched; cycle 2 completed [-0-9 :]+Z: "
                    + "0 new, 6 changed, 6 unchanged, 1 gone, 0 failed");
            CrawlctlIT.Result url = shared.crawlctl("url", base + "/p1.html", "--crawl", id);
            assertThat(url.exitCode()).as(url.err()).isZero();
            assertThat(url.out()).contains("changed").contains(firstHashes.get(base + "/p1.html"));
            System.out.printf("RecrawlIT: cycle 1 (13 URLs, all new) in %.1f s; cycle 2 (5 s interval; 6 changed, 6 unchanged, 1 gone) %.1f s later%n",
                    firstSeconds, secondSeconds);
        } finally {
            server.stop(0);
        }
    }

    /** The counts of the crawl's CYCLE_COMPLETED event for cycle {@code n}, read from crawl.events as they come. */
    private static Map<String, Long> awaitCycle(TopicReader events, String id, long n, List<CrawlEvent> seen) {
        await().atMost(120, TimeUnit.SECONDS).until(() -> {
            events.poll(Duration.ofMillis(200)).forEach(r -> {
                CrawlEvent e = Json.decode(r.value(), CrawlEvent.class);
                if (e.crawlId().equals(id) && e.type() == CrawlEvent.Type.CYCLE_COMPLETED) {
                    seen.add(e);
                }
            });
            return seen.stream().anyMatch(e -> e.counts().get("cycle") == n);
        });
        return seen.stream().filter(e -> e.counts().get("cycle") == n).findFirst().orElseThrow().counts();
    }

    private static Map<String, String> rows(Connection db, String sql) throws SQLException {
        Map<String, String> out = new java.util.HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /**
     * The site. Pages carry an ETag of their version and answer a matching If-None-Match with 304. Their first
     * fetch gets version 1; later fetches of p1..p6 get version 2, and p11 is gone. The image has no validators.
     */
    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            int n = hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            String ifNoneMatch = ex.getRequestHeaders().getFirst("If-None-Match");
            conditionals.add(path + " " + (ifNoneMatch == null ? "-" : ifNoneMatch));
            if (path.equals("/lantern.png")) {
                send(ex, 200, "image/png", image, null);
                return;
            }
            int page = path.equals("/index.html") ? 0 : path.matches("/p\\d+\\.html") ? Integer.parseInt(path.replaceAll("\\D", "")) : -1;
            if (page < 0 || page > PAGES || (page == GONE && n > 1)) {
                send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            int version = page >= 1 && page <= CHANGING && n > 1 ? 2 : 1;
            String etag = "\"v" + version + "-" + page + "\"";
            if (etag.equals(ifNoneMatch)) {
                send(ex, 304, null, null, etag);
                return;
            }
            StringBuilder body = new StringBuilder("<html><head><title>Page " + page + "</title></head><body><p>The "
                    + (version == 1 ? "first" : "second") + " version of page " + page + ".</p>");
            if (page == 0) {
                for (int i = 1; i <= PAGES; i++) {
                    body.append("<a href=\"/p").append(i).append(".html\">page ").append(i).append("</a> ");
                }
                body.append("<img src=\"/lantern.png\" alt=\"\">");
            }
            send(ex, 200, "text/html; charset=utf-8", body.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8), etag);
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, String etag) throws IOException {
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type);
        }
        if (etag != null) {
            ex.getResponseHeaders().set("ETag", etag);
        }
        ex.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
