package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A site whose deep pages are reachable only through its sitemaps: robots.txt names a sitemap index, which lists a
 * gzipped XML sitemap and a text sitemap; {@code /sitemap.xml} is absent. A crawl on the shared cluster fetches every
 * page once and records which pages came from a sitemap and which from links; the same crawl with
 * {@code --no-sitemaps} never asks for a sitemap and leaves the deep pages unfetched.
 */
class SitemapCrawlIT {
    private static final int DEEP = 6;

    /** The site on loopback, counting the requests for each path. */
    private static final class Site implements AutoCloseable {
        final Map<String, Integer> hits = new ConcurrentHashMap<>();
        final Map<String, byte[][]> routes = new LinkedHashMap<>(); // path -> content type, body
        final HttpServer server;
        final String base;

        Site() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            base = "http://127.0.0.1:" + server.getAddress().getPort();
            route("/robots.txt", "text/plain", "User-agent: *\nAllow: /\nSitemap: " + base + "/maps/index.xml\n");
            route("/", "text/html", page("Home", "<a href=\"/a.html\">a</a> <a href=\"/b.html\">b</a>"));
            route("/a.html", "text/html", page("A", "<a href=\"/b.html\">b</a> <a href=\"/\">home</a>"));
            route("/b.html", "text/html", page("B", "<a href=\"/a.html\">a</a>"));
            for (int i = 1; i <= DEEP; i++) {
                route("/deep/" + i + ".html", "text/html", page("Deep " + i, "<a href=\"/\">home</a>"));
            }
            route("/maps/index.xml", "application/xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                      <sitemap><loc>%s/maps/pages.xml.gz</loc></sitemap>
                      <sitemap><loc>%s/maps/more.txt</loc></sitemap>
                    </sitemapindex>""".formatted(base, base));
            StringBuilder urlset = new StringBuilder("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                    """);
            for (String path : List.of("/", "/a.html", "/deep/1.html", "/deep/2.html", "/deep/3.html", "/deep/4.html")) {
                urlset.append("  <url><loc>").append(base).append(path).append("</loc></url>\n");
            }
            routes.put("/maps/pages.xml.gz", new byte[][] {bytes("application/gzip"), gzip(urlset.append("</urlset>\n").toString())});
            route("/maps/more.txt", "text/plain", base + "/deep/5.html\n" + base + "/deep/6.html\n" + base + "/b.html\n");
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", ex -> {
                try (ex) {
                    String path = ex.getRequestURI().getRawPath();
                    hits.merge(path, 1, Integer::sum);
                    byte[][] r = routes.get(path);
                    byte[] body = r == null ? bytes("not found") : r[1];
                    ex.getResponseHeaders().set("Content-Type", r == null ? "text/plain" : new String(r[0], StandardCharsets.UTF_8));
                    ex.sendResponseHeaders(r == null ? 404 : 200, body.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.start();
        }

        private void route(String path, String type, String body) {
            routes.put(path, new byte[][] {bytes(type), bytes(body)});
        }

        String url(String path) {
            return base + path;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static String page(String title, String body) {
        return "<html><head><title>" + title + "</title></head><body><p>" + title + " page.</p>" + body + "</body></html>";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes(s));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    @Test
    void deepPagesListedOnlyBySitemapsAreFetchedOnceAndRecordedAsFoundInASitemap() throws Exception {
        SharedCluster shared = SharedCluster.get();
        String id = "sitemaps-" + UUID.randomUUID().toString().substring(0, 8);
        try (Site site = new Site()) {
            long started = System.nanoTime();
            CrawlctlIT.Result crawl = shared.crawlctl("crawl", "start", "--seed", site.url("/"), "--delay", "20ms", "--id", id,
                    "--wait", "--timeout", "3m");
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(crawl.exitCode()).as(crawl.err()).isZero();

            Map<String, Integer> expectedHits = new TreeMap<>();
            for (String path : List.of("/robots.txt", "/", "/a.html", "/b.html", "/maps/index.xml", "/maps/pages.xml.gz", "/maps/more.txt",
                    "/sitemap.xml")) {
                expectedHits.put(path, 1);
            }
            IntStream.rangeClosed(1, DEEP).forEach(i -> expectedHits.put("/deep/" + i + ".html", 1));
            assertThat(new TreeMap<>(site.hits)).as("requests per path").isEqualTo(expectedHits);

            Map<String, String> discovery = pairs(shared, "SELECT url, discovery FROM urls WHERE crawl_id = ?", id);
            Map<String, String> expected = new TreeMap<>();
            expected.put(site.url("/"), "seed");
            expected.put(site.url("/a.html"), "link"); // also in a sitemap, but the seed's links are registered first
            expected.put(site.url("/b.html"), "link");
            IntStream.rangeClosed(1, DEEP).forEach(i -> expected.put(site.url("/deep/" + i + ".html"), "sitemap"));
            assertThat(new TreeMap<>(discovery)).isEqualTo(expected);
            assertThat(pairs(shared, "SELECT url, status FROM pages WHERE crawl_id = ?", id).values()).hasSize(3 + DEEP).containsOnly("FETCHED");
            assertThat(new TreeMap<>(pairs(shared, "SELECT url, status || ' ' || found || ' ' || accepted || ' ' || coalesce(reason, '-')"
                    + " FROM sitemaps WHERE crawl_id = ?", id))).isEqualTo(Map.of(
                    site.url("/maps/index.xml"), "READ 2 0 -",
                    site.url("/maps/pages.xml.gz"), "READ 6 5 -", // the seed it lists is not sent again; /a.html is
                    site.url("/maps/more.txt"), "READ 3 3 -",
                    site.url("/sitemap.xml"), "ABSENT 0 0 HTTP 404"));

            CrawlctlIT.Result status = shared.crawlctl("status", id);
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).contains("crawl " + id + "  FINISHED").contains("  found    seed 1  link 2  sitemap " + DEEP + "\n")
                    .contains("  sitemaps 4: READ 3 ABSENT 1; 11 URLs listed, 8 taken\n");
            CrawlctlIT.Result url = shared.crawlctl("url", site.url("/deep/5.html"), "--crawl", id);
            assertThat(url.exitCode()).as(url.err()).isZero();
            assertThat(url.out()).contains("discovery         sitemap").contains("discovered_from   " + site.url("/"));
            System.out.printf("sitemap crawl %s: %d requests, %d pages (%d from sitemaps) in %d ms%n%s", id,
                    site.hits.values().stream().mapToInt(Integer::intValue).sum(), 3 + DEEP, DEEP, tookMs, status.out());
        }
    }

    @Test
    void withoutSitemapsNoSitemapIsAskedForAndTheDeepPagesStayUnfetched() throws Exception {
        SharedCluster shared = SharedCluster.get();
        String id = "links-only-" + UUID.randomUUID().toString().substring(0, 8);
        try (Site site = new Site()) {
            CrawlctlIT.Result crawl = shared.crawlctl("crawl", "start", "--seed", site.url("/"), "--delay", "20ms", "--no-sitemaps", "--id", id,
                    "--wait", "--timeout", "3m");
            assertThat(crawl.exitCode()).as(crawl.err()).isZero();

            assertThat(new TreeMap<>(site.hits)).as("requests per path").isEqualTo(Map.of("/robots.txt", 1, "/", 1, "/a.html", 1, "/b.html", 1));
            assertThat(new TreeMap<>(pairs(shared, "SELECT url, discovery FROM urls WHERE crawl_id = ?", id))).isEqualTo(Map.of(
                    site.url("/"), "seed", site.url("/a.html"), "link", site.url("/b.html"), "link"));
            assertThat(pairs(shared, "SELECT url, status FROM sitemaps WHERE crawl_id = ?", id)).isEmpty();
            CrawlctlIT.Result status = shared.crawlctl("status", id);
            assertThat(status.out()).contains("  found    seed 1  link 2\n").doesNotContain("sitemaps");
        }
    }

    /** The (first column, second column) rows of {@code sql}, whose one parameter is the crawl id. */
    private static Map<String, String> pairs(SharedCluster shared, String sql, String crawlId) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection(shared.dbUrl(), shared.postgres().user(), shared.postgres().password());
             PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, crawlId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(out.put(rs.getString(1), rs.getString(2))).as("one row for %s", rs.getString(1)).isNull();
                }
            }
        }
        return out;
    }
}
