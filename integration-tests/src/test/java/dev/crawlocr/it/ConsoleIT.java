package dev.crawlocr.it;

import static dev.crawlocr.it.CrawlctlIT.args;
import static dev.crawlocr.it.CrawlctlIT.crawlctl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.crawlocr.analyzer.AnalyzerNode;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.ctl.ConsoleServer;
import dev.crawlocr.ctl.Crawlctl;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.fetcher.FetcherNode;
import dev.crawlocr.writer.WriterNode;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The web console over rows the real writer stored: a fetcher, an analyzer and a writer crawl a local site whose
 * titles, text, image text and URLs carry markup; every route answers with its content and none shows that markup
 * raw; the event stream sends events; a stop needs the form's token and the console's origin; a token, when set, is
 * required; a console on a non-loopback address refuses to start without one. The console logs in as a role that may
 * only read, and crawlctl reads as the role crawlocr_reader whatever its login.
 */
class ConsoleIT {
    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final String ATTR = "\"><img src=x onerror=alert(1)>";
    private static final String JS_URL = "javascript:alert(1)";

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void consoleShowsCrawlsImagesSearchAndHistoryEscapedAndGuardsStops() throws Exception {
        String bootstrap = TestServices.kafkaBootstrap();
        Postgres pg = TestServices.postgres();
        String dbUrl = pg.createDatabase("console");
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "OPS_PORT", "0", "KAFKA_TOPIC_PARTITIONS", "4");
        byte[] png = png();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        site.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        site.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getRawPath();
                byte[] body;
                String type = "text/html; charset=utf-8";
                if (path.equals("/img.png")) {
                    body = png;
                    type = "image/png";
                } else if (path.equals("/slow.html")) {
                    try {
                        release.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    body = "<html><title>slow</title></html>".getBytes(StandardCharsets.UTF_8);
                } else if (path.equals("/index.html")) {
                    body = ("<html><head><title>" + SCRIPT + " " + ATTR + "</title></head><body><p>lighthouse &lt;script&gt;alert(1)&lt;/script&gt; "
                            + "&quot;&gt;&lt;img src=x onerror=alert(1)&gt; " + JS_URL + "</p><a href=\"" + JS_URL + "\">run</a> "
                            + "<a href=\"/p/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E.html\">next</a> <img src=\"/img.png\"></body></html>")
                            .getBytes(StandardCharsets.UTF_8);
                } else {
                    body = ("<html><head><title>" + SCRIPT + "</title></head><body><p>lighthouse keeper " + ATTR.replace("<", "&lt;")
                            + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
                }
                ex.getResponseHeaders().set("Content-Type", type);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        site.start();
        String base = "http://127.0.0.1:" + site.getAddress().getPort();
        List<String> ctl = List.of("--bootstrap-servers=" + bootstrap, "--db-url=" + dbUrl, "--db-user=" + pg.user(), "--db-password=" + pg.password());
        String id = "console-" + System.nanoTime();
        String slow = id + "-slow";
        try (WriterNode writer = WriterNode.start(PipelineIT.with(common, "DATABASE_URL", dbUrl, "DATABASE_USER", pg.user(),
                "DATABASE_PASSWORD", pg.password()));
             FetcherNode fetcher = FetcherNode.start(PipelineIT.with(common, "FETCHER_ALLOW_NETWORKS", "127.0.0.0/8"));
             AnalyzerNode analyzer = AnalyzerNode.start(common)) {
            CrawlctlIT.Result crawl = crawlctl(args(ctl, "crawl", "start", "--id", id, "--seed", base + "/index.html", "--delay", "0s", "--lang", "eng",
                    "--wait", "--timeout", "3m"));
            assertThat(crawl.exitCode()).as(crawl.err()).isZero();
            CrawlctlIT.Result running = crawlctl(args(ctl, "crawl", "start", "--id", slow, "--seed", base + "/slow.html", "--delay", "0s"));
            assertThat(running.exitCode()).as(running.err()).isZero();
            await().atMost(60, TimeUnit.SECONDS).until(() -> query(dbUrl, pg, "SELECT state FROM crawls WHERE id = '" + slow + "'").equals(List.of("RUNNING")));
            String hash = query(dbUrl, pg, "SELECT content_hash FROM ocr_results WHERE crawl_id = '" + id + "'").get(0);

            // The console logs in as a role that may only read (a member of crawlocr_reader, which the writer's
            // migration made): every page below is read with no more than that.
            String reader = "console_reader_" + System.nanoTime();
            execute(dbUrl, pg, "CREATE ROLE " + reader + " LOGIN PASSWORD 'reader-pw' IN ROLE crawlocr_reader");
            assertThatThrownBy(() -> execute(dbUrl, reader, "reader-pw", "UPDATE crawls SET state = 'STOPPED' WHERE id = '" + slow + "'"))
                    .hasMessageContaining("permission denied for table crawls");
            List<String> consoleArgs = new ArrayList<>(List.of("--bootstrap-servers=" + bootstrap, "--db-url=" + dbUrl, "--db-user=" + reader,
                    "--db-password=reader-pw"));
            consoleArgs.addAll(List.of("console", "--port", "0"));
            try (ConsoleServer console = Crawlctl.console(consoleArgs.toArray(String[]::new))) {
                String root = "http://127.0.0.1:" + console.port();
                List<String> bodies = new ArrayList<>();

                HttpResponse<String> crawls = get(root + "/");
                assertThat(crawls.statusCode()).isEqualTo(200);
                assertThat(crawls.headers().firstValue("Content-Security-Policy")).hasValue(
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'");
                assertThat(crawls.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
                assertThat(crawls.body()).contains("data-crawl=\"" + id + "\"").contains("FINISHED").contains("RUNNING")
                        .contains("action=\"/crawls/" + slow + "/stop\"").contains("<script src=\"/static/console.js\"></script>");
                bodies.add(crawls.body());

                HttpResponse<String> script = get(root + "/static/console.js");
                assertThat(script.statusCode()).isEqualTo(200);
                assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
                assertThat(script.body()).contains("EventSource").contains("data-points");

                HttpResponse<String> page = get(root + "/crawls/" + id);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains("id=\"throughput-chart\" data-points=\"0\"").contains("data-events=\"/crawls/" + id + "/events\"")
                        .contains("<td>127.0.0.1").contains("minDelayMs").contains("id=\"dead-letters\"").contains("<span data-field=\"pages\">2</span>");
                bodies.add(page.body());
                assertThat(get(root + "/crawls/no-such-crawl").statusCode()).isEqualTo(404);

                List<JsonNode> events = events(root + "/crawls/" + id + "/events", 2);
                assertThat(events).hasSize(2);
                assertThat(events.get(0).get("pages").asLong()).isEqualTo(2);
                assertThat(events.get(0).get("state").asText()).isEqualTo("FINISHED");
                assertThat(events.get(1).has("pagesPerSecond")).isTrue();
                assertThat(events.get(1).get("t").asLong()).isGreaterThan(events.get(0).get("t").asLong());

                HttpResponse<String> image = get(root + "/images/" + id + "/" + hash);
                assertThat(image.statusCode()).isEqualTo(200);
                assertThat(image.body()).contains("src=\"/images/" + id + "/" + hash + "/raw\"").contains("class=\"word-box\" data-word=\"")
                        .contains("data-confidence=").contains("data-box=").contains("id=\"ocr-text\"").contains("lighthouse")
                        .contains("/urls?u=" + URLEncoder.encode(base + "/index.html", StandardCharsets.UTF_8));
                bodies.add(image.body());
                HttpResponse<byte[]> raw = http.send(HttpRequest.newBuilder(URI.create(root + "/images/" + id + "/" + hash + "/raw")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(raw.statusCode()).isEqualTo(200);
                assertThat(raw.headers().firstValue("Content-Type")).hasValue("image/png");
                assertThat(raw.body()).isEqualTo(png);
                HttpResponse<String> missing = get(root + "/images/" + id + "/no-such-hash/raw");
                assertThat(missing.statusCode()).isEqualTo(404);
                assertThat(missing.body()).isEqualTo("not kept");

                HttpResponse<String> search = get(root + "/search?q=lighthouse");
                assertThat(search.statusCode()).isEqualTo(200);
                assertThat(search.body()).contains("<mark>lighthouse</mark>").contains("href=\"/urls?u=").contains("href=\"/images/" + id + "/" + hash + "\"");
                bodies.add(search.body());
                bodies.add(get(root + "/search?q=" + URLEncoder.encode(SCRIPT + " alert", StandardCharsets.UTF_8)).body());

                HttpResponse<String> history = get(root + "/urls?u=" + URLEncoder.encode(base + "/index.html", StandardCharsets.UTF_8));
                assertThat(history.statusCode()).isEqualTo(200);
                assertThat(history.body()).contains("<h2>registry</h2>").contains("<h2>page</h2>").contains("<h2>images on this page</h2>")
                        .contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
                        .contains("href=\"/images/" + id + "/" + hash + "\"");
                bodies.add(history.body());
                String other = query(dbUrl, pg, "SELECT url FROM pages WHERE crawl_id = '" + id + "' AND url LIKE '%/p/%'").get(0);
                bodies.add(get(root + "/urls?u=" + URLEncoder.encode(other, StandardCharsets.UTF_8)).body());
                bodies.add(get(root + "/urls?u=" + URLEncoder.encode(JS_URL, StandardCharsets.UTF_8)).body());
                bodies.add(get(root + "/crawls/" + URLEncoder.encode(SCRIPT, StandardCharsets.UTF_8) + "/stop").body());
                for (String body : bodies) {
                    assertThat(body).doesNotContain(SCRIPT).doesNotContain("<img src=x").doesNotContain("href=\"javascript:")
                            .doesNotContain("onerror=alert(1)>");
                }

                // Stopping: the confirmation page's form carries the token; a post needs it and the console's origin.
                HttpResponse<String> confirm = get(root + "/crawls/" + slow + "/stop");
                Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(confirm.body());
                assertThat(m.find()).as(confirm.body()).isTrue();
                String csrf = m.group(1);
                String stop = root + "/crawls/" + slow + "/stop";
                assertThat(post(stop, "csrf=wrong", root).statusCode()).isEqualTo(403);
                assertThat(post(stop, "", root).statusCode()).isEqualTo(403);
                assertThat(post(stop, "csrf=" + csrf, "http://evil.example").statusCode()).isEqualTo(403);
                assertThat(post(stop, "csrf=" + csrf, null).statusCode()).isEqualTo(403);
                assertThat(query(dbUrl, pg, "SELECT state FROM crawls WHERE id = '" + slow + "'")).containsExactly("RUNNING");
                HttpResponse<String> stopped = post(stop, "csrf=" + csrf, root);
                assertThat(stopped.statusCode()).isEqualTo(303);
                assertThat(stopped.headers().firstValue("Location")).hasValue("/crawls/" + slow);
                await().atMost(30, TimeUnit.SECONDS).until(() -> query(dbUrl, pg, "SELECT state FROM crawls WHERE id = '" + slow + "'")
                        .equals(List.of("STOPPED")));
            }

            List<String> withToken = new ArrayList<>(ctl);
            withToken.addAll(List.of("console", "--port", "0", "--token", "s3cret-token"));
            try (ConsoleServer console = Crawlctl.console(withToken.toArray(String[]::new))) {
                String root = "http://127.0.0.1:" + console.port();
                assertThat(get(root + "/").statusCode()).isEqualTo(401);
                assertThat(get(root + "/crawls/" + id).statusCode()).isEqualTo(401);
                assertThat(get(root + "/static/console.js").statusCode()).isEqualTo(401);
                assertThat(get(root + "/?token=wrong").statusCode()).isEqualTo(401);
                HttpResponse<String> login = get(root + "/?token=s3cret-token");
                assertThat(login.statusCode()).isEqualTo(303);
                String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
                assertThat(cookie).startsWith("crawlocr_console=s3cret-token;").contains("HttpOnly").contains("SameSite=Strict");
                assertThat(get(root + "/crawls/" + id, "Cookie", "crawlocr_console=s3cret-token").statusCode()).isEqualTo(200);
                assertThat(get(root + "/crawls/" + id, "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
                assertThat(get(root + "/crawls/" + id, "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
            }
            // crawlctl reads as crawlocr_reader even when it logs in as the database's owner: without the role's
            // grant on a table, it cannot read that table.
            execute(dbUrl, pg, "REVOKE SELECT ON crawls FROM crawlocr_reader");
            CrawlctlIT.Result denied = crawlctl(args(ctl, "status", id));
            assertThat(denied.exitCode()).isEqualTo(1);
            assertThat(denied.err()).contains("permission denied for table crawls");
            execute(dbUrl, pg, "GRANT SELECT ON crawls TO crawlocr_reader");
            assertThat(crawlctl(args(ctl, "status", id)).exitCode()).isZero();
            execute(dbUrl, pg, "DROP ROLE " + reader);

            List<String> open = new ArrayList<>(ctl);
            open.addAll(List.of("console", "--port", "0", "--bind", "0.0.0.0"));
            assertThatThrownBy(() -> Crawlctl.console(open.toArray(String[]::new))).hasMessageContaining("not a loopback address")
                    .hasMessageContaining("--token");
            List<String> weak = new ArrayList<>(ctl);
            weak.addAll(List.of("console", "--port", "0", "--token", "a;b"));
            assertThatThrownBy(() -> Crawlctl.console(weak.toArray(String[]::new))).hasMessageContaining("at least 8 characters");
        } finally {
            release.countDown();
            site.stop(0);
        }
    }

    private HttpResponse<String> get(String url, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return get(url, null, null);
    }

    private HttpResponse<String> post(String url, String form, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The first {@code n} events of a server-sent event stream. */
    private List<JsonNode> events(String url, int n) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            CompletableFuture.runAsync(() -> {
                try {
                    String line;
                    while (events.size() < n && (line = in.readLine()) != null) {
                        if (line.startsWith("data: ")) {
                            events.add(Json.mapper().readTree(line.substring(6)));
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(30, TimeUnit.SECONDS);
        }
        return events;
    }

    private static void execute(String dbUrl, Postgres pg, String sql) throws Exception {
        execute(dbUrl, pg.user(), pg.password(), sql);
    }

    private static void execute(String dbUrl, String user, String password, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> query(String dbUrl, Postgres pg, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(dbUrl, pg.user(), pg.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A PNG with two lines of text: a plain word and markup. */
    private static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(900, 160, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 40));
        g.drawString("lighthouse keeper", 30, 60);
        g.drawString(SCRIPT, 30, 130);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
