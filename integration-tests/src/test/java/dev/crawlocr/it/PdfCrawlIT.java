package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.ctl.ConsoleServer;
import dev.crawlocr.ctl.Crawlctl;
import dev.crawlocr.devkit.PdfSamples;
import dev.crawlocr.devkit.PdfSamples.Page;
import dev.crawlocr.localcluster.Cer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PDFs end to end on the shared local cluster: a site on loopback links a text PDF, a scanned PDF (page images, no
 * text layer) and a mixed one. A crawl reads each page from its text layer or by OCR, and crawlctl search, export and
 * url show the pages; a crawl with --no-pdf drops the PDF links.
 */
class PdfCrawlIT {
    static final Page REPORT = Page.text("Annual report of the harbour authority", "Tonnage rose by nine percent");
    static final Page SCAN_1 = Page.scanned("The lighthouse keeper counted seven ships", "before the storm reached the northern pier");
    static final Page SCAN_2 = Page.scanned("Fresh bread and salted herring were sold", "at the market square every Thursday morning");
    static final Page MIXED_TEXT_1 = Page.text("Minutes of the orchard cooperative meeting");
    static final Page MIXED_SCAN = Page.scanned("Quince and medlar harvests were recorded", "by the treasurer in a bound ledger");
    static final Page MIXED_TEXT_2 = Page.text("The cooperative adjourned at noon");

    /** Path on the site -> the PDF's pages. */
    static final Map<String, List<Page>> PDFS = new LinkedHashMap<>();

    static {
        PDFS.put("/docs/report.pdf", List.of(REPORT));
        PDFS.put("/docs/scan.pdf", List.of(SCAN_1, SCAN_2));
        PDFS.put("/docs/mixed.pdf", List.of(MIXED_TEXT_1, MIXED_SCAN, MIXED_TEXT_2));
    }

    static final Map<String, Integer> hits = new ConcurrentHashMap<>();
    static HttpServer server;
    static String base;

    @BeforeAll
    static void serve() throws Exception {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        PDFS.forEach((path, pages) -> bodies.put(path, PdfSamples.pdf(pages)));
        StringBuilder index = new StringBuilder("<html><head><title>Archive</title></head><body>");
        PDFS.keySet().forEach(path -> index.append("<a href=\"").append(path).append("\">").append(path).append("</a> "));
        bodies.put("/index.html", index.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getRawPath();
                hits.merge(path, 1, Integer::sum);
                byte[] body = bodies.get(path);
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", path.endsWith(".pdf") ? "application/pdf" : "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void pdfPagesAreReadFromTheirTextLayerOrByOcrAndFoundBySearch() throws Exception {
        SharedCluster shared = SharedCluster.get();
        String id = "pdf-" + System.nanoTime();
        long started = System.nanoTime();
        CrawlctlIT.Result crawl = shared.crawlctl("crawl", "start", "--id", id, "--seed", base + "/index.html", "--delay", "0s",
                "--lang", "eng", "--wait", "--timeout", "5m");
        long crawlMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(crawl.exitCode()).as(crawl.err()).isZero();

        Map<String, List<String[]>> pages = new LinkedHashMap<>(); // path -> [source, text] per page, in order
        Map<String, long[]> timings = new LinkedHashMap<>(); // path -> decode, preprocess, ocr ms
        try (Connection db = DriverManager.getConnection(shared.dbUrl(), shared.postgres().user(), shared.postgres().password());
             PreparedStatement ps = db.prepareStatement("""
                     SELECT p.url, pp.page_number, pp.source, pp.text, o.decode_ms, o.preprocess_ms, o.ocr_ms
                     FROM pages p JOIN ocr_results o ON o.crawl_id = p.crawl_id AND o.content_hash = p.content_hash
                     JOIN pdf_pages pp ON pp.crawl_id = p.crawl_id AND pp.content_hash = p.content_hash
                     WHERE p.crawl_id = ? AND p.content_type = 'application/pdf' AND o.status = 'OK'
                     ORDER BY p.url, pp.page_number""")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String path = rs.getString(1).substring(base.length());
                    pages.computeIfAbsent(path, p -> new ArrayList<>()).add(new String[] {rs.getString(3), rs.getString(4)});
                    assertThat(pages.get(path)).as("page numbers of %s", path).hasSize(rs.getInt(2));
                    timings.put(path, new long[] {rs.getLong(5), rs.getLong(6), rs.getLong(7)});
                }
            }
        }
        assertThat(pages.keySet()).containsExactlyInAnyOrderElementsOf(PDFS.keySet());
        List<Double> scannedCer = new ArrayList<>();
        PDFS.forEach((path, expected) -> {
            List<String[]> read = pages.get(path);
            assertThat(read).as("pages of %s", path).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                Page page = expected.get(i);
                String[] got = read.get(i);
                assertThat(got[0]).as("source of %s page %d", path, i + 1).isEqualTo(page.scanned() ? "ocr" : "text-layer");
                if (page.scanned()) {
                    double cer = Cer.of(page.expected(), got[1]);
                    scannedCer.add(cer);
                    assertThat(cer).as("CER of %s page %d, read as '%s'", path, i + 1, got[1]).isLessThanOrEqualTo(0.01);
                } else {
                    assertThat(got[1]).as("text of %s page %d", path, i + 1).isEqualTo(page.expected());
                }
            }
        });
        long[] scan = timings.get("/docs/scan.pdf");
        System.out.printf("PDF crawl of %d PDFs (%d pages) completed in %d ms; scan.pdf (2 scanned Letter pages at 300 dpi): "
                        + "load %d ms, render+preprocess %d ms, OCR %d ms; CER of the scanned pages %s%n", PDFS.size(),
                pages.values().stream().mapToInt(List::size).sum(), crawlMs, scan[0], scan[1], scan[2], scannedCer);

        CrawlctlIT.Result harbour = shared.crawlctl("search", "harbour", "--crawl", id);
        assertThat(harbour.exitCode()).as(harbour.err()).isZero();
        assertThat(harbour.out()).contains("pdf   " + base + "/docs/report.pdf#page=1");
        CrawlctlIT.Result lighthouse = shared.crawlctl("search", "lighthouse keeper", "--crawl", id);
        assertThat(lighthouse.out()).contains("pdf   " + base + "/docs/scan.pdf#page=1").doesNotContain("scan.pdf#page=2");
        CrawlctlIT.Result medlar = shared.crawlctl("search", "medlar", "--crawl", id);
        assertThat(medlar.out()).contains("pdf   " + base + "/docs/mixed.pdf#page=2").contains("[medlar]");
        CrawlctlIT.Result adjourned = shared.crawlctl("search", "adjourned", "--crawl", id);
        assertThat(adjourned.out()).contains("pdf   " + base + "/docs/mixed.pdf#page=3");

        CrawlctlIT.Result export = shared.crawlctl("export", "--crawl", id, "--format", "jsonl");
        assertThat(export.exitCode()).as(export.err()).isZero();
        List<String> pdfPages = new ArrayList<>();
        for (String line : export.out().split("\n")) {
            JsonNode n = Json.mapper().readTree(line);
            if (n.get("kind").asText().equals("pdf-page")) {
                pdfPages.add(n.get("url").asText().substring(base.length()) + " " + n.get("page_number").asInt() + " " + n.get("source").asText());
            }
        }
        assertThat(pdfPages).containsExactly("/docs/mixed.pdf 1 text-layer", "/docs/mixed.pdf 2 ocr", "/docs/mixed.pdf 3 text-layer",
                "/docs/report.pdf 1 text-layer", "/docs/scan.pdf 1 ocr", "/docs/scan.pdf 2 ocr");

        CrawlctlIT.Result url = shared.crawlctl("url", base + "/docs/mixed.pdf", "--crawl", id);
        assertThat(url.exitCode()).as(url.err()).isZero();
        assertThat(url.out()).contains("content_type      application/pdf").contains("pdf_status        OK").contains("pdf pages")
                .contains("source            ocr").contains("source            text-layer");
        try (ConsoleServer console = Crawlctl.console(shared.crawlctlArgs("console", "--port", "0"))) {
            String root = "http://127.0.0.1:" + console.port();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create(root + "/search?q=medlar")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(search.statusCode()).isEqualTo(200);
            String history = "/urls?u=" + URLEncoder.encode(base + "/docs/mixed.pdf", StandardCharsets.UTF_8);
            assertThat(search.body()).contains("data-kind=\"pdf\"").contains("<mark>medlar</mark>").contains("href=\"" + history + "\"")
                    .contains("href=\"" + base + "/docs/mixed.pdf#page=2\"");
            HttpResponse<String> pdf = http.send(HttpRequest.newBuilder(URI.create(root + history)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(pdf.statusCode()).isEqualTo(200);
            assertThat(pdf.body()).contains("pdf pages").contains("text-layer").contains("Quince and medlar");
        }
        PDFS.keySet().forEach(path -> assertThat(hits.get(path)).as("fetches of %s", path).isEqualTo(1));
    }

    @Test
    void aCrawlWithoutPdfsDropsTheirLinks() throws Exception {
        SharedCluster shared = SharedCluster.get();
        String id = "nopdf-" + System.nanoTime();
        Map<String, Integer> before = Map.copyOf(hits);
        CrawlctlIT.Result crawl = shared.crawlctl("crawl", "start", "--id", id, "--seed", base + "/index.html", "--delay", "0s",
                "--no-pdf", "--wait", "--timeout", "3m");
        assertThat(crawl.exitCode()).as(crawl.err()).isZero();
        try (Connection db = DriverManager.getConnection(shared.dbUrl(), shared.postgres().user(), shared.postgres().password());
             PreparedStatement ps = db.prepareStatement("SELECT url, dropped_links->>'extension' FROM pages WHERE crawl_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(base + "/index.html");
                assertThat(rs.getString(2)).as("PDF links dropped as denied extensions").isEqualTo(String.valueOf(PDFS.size()));
                assertThat(rs.next()).as("no PDF fetched").isFalse();
            }
        }
        PDFS.keySet().forEach(path -> assertThat(hits.get(path)).as("fetches of %s", path).isEqualTo(before.get(path)));
    }
}
