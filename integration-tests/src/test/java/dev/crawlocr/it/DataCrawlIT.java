package dev.crawlocr.it;

import static dev.crawlocr.it.CrawlctlIT.args;
import static dev.crawlocr.it.CrawlctlIT.crawlctl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.fetcher.FetcherNode;
import dev.crawlocr.writer.WriterNode;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A crawl that collects from a web API end to end: a fetcher and a writer over a real broker fetch exactly the
 * listed URLs of a local service answering JSON, CSV, XML, text, malformed JSON and one HTML page; the data
 * responses are stored as they came, the JSON also as jsonb, and crawlctl exports and searches them.
 */
class DataCrawlIT {
    private static final String ACCEPT = "application/json,text/csv,application/xml,text/plain";
    private static final String JSON = "{\"name\": \"Lighthouse of Skagen\", \"keeper\": {\"first\": \"Ingrid\"}, \"lamps\": [3, 4.50]}";
    private static final String CSV = "city,river\nUppsala,Fyris\nTurku,Aura\n";
    private static final String XML = "<?xml version=\"1.0\"?><feed><entry>Marmalade</entry></feed>";
    private static final String TEXT = "Plain words about quinces.";
    private static final String BROKEN = "{\"name\": \"broken\",}";

    /** The service: path -> content type and body. */
    private static final Map<String, String[]> ROUTES = new LinkedHashMap<>();

    static {
        ROUTES.put("/api/lighthouse", new String[] {"application/json; charset=utf-8", JSON});
        ROUTES.put("/api/rivers.csv", new String[] {"text/csv", CSV});
        ROUTES.put("/api/feed", new String[] {"application/xml", XML});
        ROUTES.put("/api/readme", new String[] {"text/plain; charset=utf-8", TEXT});
        ROUTES.put("/api/broken", new String[] {"application/json", BROKEN});
        ROUTES.put("/index.html", new String[] {"text/html; charset=utf-8",
                "<html><head><title>Data index</title></head><body><p>Nothing links from here.</p></body></html>"});
    }

    @Test
    void aCrawlThatKeepsDataStoresEveryResponseOnceAndCrawlctlExportsAndSearchesThem() throws Exception {
        String bootstrap = TestServices.kafkaBootstrap();
        Postgres pg = TestServices.postgres();
        String dbUrl = pg.createDatabase("data");
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "OPS_PORT", "0", "KAFKA_TOPIC_PARTITIONS", "4");
        Map<String, Integer> hits = new ConcurrentHashMap<>();
        Map<String, String> accepts = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getRawPath();
                hits.merge(path, 1, Integer::sum);
                accepts.put(path, String.valueOf(ex.getRequestHeaders().getFirst("Accept")));
                String[] route = ROUTES.get(path);
                byte[] body = (route == null ? "not found" : route[1]).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", route == null ? "text/plain" : route[0]);
                ex.sendResponseHeaders(route == null ? 404 : 200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        String id = "data-" + System.nanoTime();
        try (WriterNode writer = WriterNode.start(PipelineIT.with(common, "DATABASE_URL", dbUrl, "DATABASE_USER", pg.user(),
                "DATABASE_PASSWORD", pg.password()));
             FetcherNode fetcher = FetcherNode.start(PipelineIT.with(common, "FETCHER_ALLOW_NETWORKS", "127.0.0.0/8"))) {
            List<String> ctl = List.of("--bootstrap-servers=" + bootstrap, "--db-url=" + dbUrl, "--db-user=" + pg.user(),
                    "--db-password=" + pg.password());
            List<String> start = new ArrayList<>(List.of("crawl", "start", "--id", id, "--accept", ACCEPT, "--body-max-bytes", "64KiB",
                    "--follow", "none", "--delay", "0s", "--no-images", "--wait", "--timeout", "3m"));
            ROUTES.keySet().forEach(path -> start.addAll(List.of("--seed", base + path)));
            CrawlctlIT.Result started = crawlctl(args(ctl, start.toArray(String[]::new)));
            assertThat(started.exitCode()).as(started.err()).isZero();

            Map<String, String[]> rows = new HashMap<>(); // url -> status, content_type, title, text, body_json->>'name', body_note
            try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password());
                 PreparedStatement ps = db.prepareStatement("""
                         SELECT url, status, content_type, title, text, body_json->>'name', body_note FROM pages WHERE crawl_id = ?""")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String[] row = {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)};
                        assertThat(rows.put(rs.getString(1), row)).as("one row for %s", rs.getString(1)).isNull();
                    }
                }
            }
            assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(ROUTES.keySet().stream().map(p -> base + p).toList());
            ROUTES.forEach((path, route) -> {
                String[] row = rows.get(base + path);
                assertThat(row[0]).as("status of %s", path).isEqualTo("FETCHED");
                assertThat(row[1]).as("content type of %s", path).isEqualTo(route[0]);
                if (!path.endsWith(".html")) {
                    assertThat(row[2]).as("title of %s", path).isNull();
                    assertThat(row[3]).as("text of %s", path).isEqualTo(route[1]);
                }
            });
            assertThat(rows.get(base + "/index.html")[2]).isEqualTo("Data index");
            assertThat(rows.get(base + "/index.html")[3]).contains("Nothing links from here.").doesNotContain("<");
            assertThat(rows.get(base + "/api/lighthouse")[4]).isEqualTo("Lighthouse of Skagen");
            assertThat(rows.get(base + "/api/lighthouse")[5]).isNull();
            assertThat(rows.get(base + "/api/broken")[5])
                    .isEqualTo("malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name");
            rows.forEach((url, row) -> {
                if (!url.endsWith("/api/broken")) {
                    assertThat(row[5]).as("note of %s", url).isNull();
                }
            });

            CrawlctlIT.Result export = crawlctl(args(ctl, "export", "--crawl", id, "--format", "jsonl"));
            assertThat(export.exitCode()).as(export.err()).isZero();
            Map<String, JsonNode> exported = new HashMap<>();
            for (String line : export.out().split("\n")) {
                JsonNode n = Json.mapper().readTree(line);
                exported.put(n.get("url").asText(), n);
            }
            assertThat(exported).hasSize(ROUTES.size());
            JsonNode lighthouse = exported.get(base + "/api/lighthouse");
            assertThat(lighthouse.get("body_json").isObject()).as("body_json inline as an object: %s", lighthouse).isTrue();
            assertThat(lighthouse.get("body_json").get("keeper").get("first").asText()).isEqualTo("Ingrid");
            assertThat(lighthouse.get("body_json").get("lamps").get(1).decimalValue()).isEqualByComparingTo("4.50");
            assertThat(lighthouse.get("text").asText()).isEqualTo(JSON);
            assertThat(lighthouse.get("content_type").asText()).isEqualTo("application/json; charset=utf-8");
            assertThat(lighthouse.get("body_note").isNull()).isTrue();
            JsonNode broken = exported.get(base + "/api/broken");
            assertThat(broken.get("body_json").isNull()).isTrue();
            assertThat(broken.get("body_note").asText()).startsWith("malformed JSON: ");
            assertThat(broken.get("text").asText()).isEqualTo(BROKEN);
            assertThat(exported.get(base + "/api/rivers.csv").get("text").asText()).isEqualTo(CSV);

            CrawlctlIT.Result csv = crawlctl(args(ctl, "export", "--crawl", id, "--format", "csv"));
            assertThat(csv.exitCode()).as(csv.err()).isZero();
            assertThat(csv.out()).startsWith("kind,url,status,http_status,title,text,confidence,page_url,content_type,body_note,page_number,source\r\n")
                    .contains(",application/json,malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name,,\r\n")
                    .contains("\"" + CSV + "\",,,text/csv,,,\r\n");

            CrawlctlIT.Result ingrid = crawlctl(args(ctl, "search", "Ingrid", "--crawl", id));
            assertThat(ingrid.exitCode()).as(ingrid.err()).isZero();
            assertThat(ingrid.out()).contains("page  " + base + "/api/lighthouse").doesNotContain("/api/rivers.csv");
            CrawlctlIT.Result fyris = crawlctl(args(ctl, "search", "Fyris", "--crawl", id));
            assertThat(fyris.exitCode()).as(fyris.err()).isZero();
            assertThat(fyris.out()).contains("page  " + base + "/api/rivers.csv").doesNotContain("/api/lighthouse");

            CrawlctlIT.Result url = crawlctl(args(ctl, "url", base + "/api/broken"));
            assertThat(url.exitCode()).as(url.err()).isZero();
            assertThat(url.out()).contains("content_type      application/json")
                    .contains("body_note         malformed JSON: Unexpected character ('}'");
        } finally {
            server.stop(0);
        }
        ROUTES.keySet().forEach(path -> assertThat(hits.get(path)).as("fetches of %s", path).isEqualTo(1));
        assertThat(hits.keySet()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(ROUTES.keySet().stream(), java.util.stream.Stream.of("/robots.txt")).toList());
        assertThat(accepts.get("/api/lighthouse")).startsWith(ACCEPT + ",text/html;q=0.8");
    }
}
