package dev.crawlocr.ctl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's HTTP server (the JDK's, one virtual thread per request). Routes: {@code /} (crawls),
 * {@code /crawls/{id}} with {@code /events} (server-sent events, one a second) and {@code /stop} (a confirmation page,
 * then a POST with the server's CSRF token from the same origin), {@code /images/{crawl}/{hash}} and its {@code /raw}
 * copy, {@code /search?q=}, {@code /urls?u=} and {@code /static/console.js}.
 *
 * <p>With a token, every request needs it: the {@code crawlocr_console} cookie (set by {@code /?token=T}) or an
 * {@code Authorization: Bearer T} header. Every response forbids inline scripts (Content-Security-Policy) and sniffing.
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);

    static final String COOKIE = "crawlocr_console";
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";
    /** Media types an image copy is served as; any other is served as bytes to download, never as a page. */
    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff");
    private static final long EVENT_INTERVAL_MS = 1000;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Supplier<Connection> db;
    private final Consumer<String> stopCrawl;
    private final byte[] token;
    private final String csrf;
    private final ConsolePages pages;
    private final byte[] script;
    private volatile boolean running = true;

    /**
     * @param token     required of every request, or null for none (only allowed on a loopback address)
     * @param db        opens a read-only connection
     * @param stopCrawl stops a crawl ({@link CrawlJobs#stop})
     */
    public ConsoleServer(String bind, int port, String token, Supplier<Connection> db, Consumer<String> stopCrawl, String bootstrapServers,
                  int imageMaxBytes) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (IOException e) {
            throw new UserError("Cannot bind the console to '" + bind + "': " + e.getMessage(), e);
        }
        if (token == null && !address.isLoopbackAddress()) {
            throw new UserError("The console binds " + bind + ", which is not a loopback address: give --token or --token-env");
        }
        this.db = db;
        this.stopCrawl = stopCrawl;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.csrf = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.pages = new ConsolePages(bootstrapServers, imageMaxBytes, csrf);
        try (InputStream in = ConsoleServer.class.getResourceAsStream("/console/console.js")) {
            this.script = in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("console.js is missing from crawlctl's resources", e);
        }
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 64);
        } catch (IOException e) {
            throw new UserError("Cannot serve the console on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.info("Console at http://{}:{}/ ({})", bind, port(), token == null ? "no token" : "token required");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "same-origin");
            h.set("Cache-Control", "no-store");
            Map<String, String> query = form(ex.getRequestURI().getRawQuery());
            String path = ex.getRequestURI().getRawPath();
            if (!authorized(ex, path, query)) {
                return;
            }
            route(ex, path, segments(path), query);
        } catch (UserError e) {
            send(ex, 503, "text/plain; charset=utf-8", e.getMessage().getBytes(StandardCharsets.UTF_8));
        } catch (SQLException | RuntimeException e) {
            log.warn("Console request {} failed: {}", ex.getRequestURI(), e.toString());
            sendHtml(ex, 500, Html.page("Error", "<p>" + Html.escape(e.getMessage()) + "</p>"));
        }
    }

    private void route(HttpExchange ex, String path, List<String> s, Map<String, String> query) throws IOException, SQLException {
        String method = ex.getRequestMethod();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (s.size() == 3 && s.get(0).equals("crawls") && s.get(2).equals("stop") && method.equals("POST")) {
            stop(ex, s.get(1));
            return;
        }
        if (!get) {
            send(ex, 405, "text/plain; charset=utf-8", "Method not allowed".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals("/")) {
            sendHtml(ex, 200, withDb(pages::crawls));
        } else if (path.equals("/static/console.js")) {
            send(ex, 200, "text/javascript; charset=utf-8", script);
        } else if (path.equals("/search")) {
            sendHtml(ex, 200, withDb(c -> pages.search(c, query.get("q"))));
        } else if (path.equals("/urls")) {
            sendHtml(ex, 200, withDb(c -> pages.url(c, query.get("u"))));
        } else if (s.size() == 2 && s.get(0).equals("crawls")) {
            found(ex, withDb(c -> pages.crawl(c, s.get(1))), "No crawl " + s.get(1));
        } else if (s.size() == 3 && s.get(0).equals("crawls") && s.get(2).equals("events")) {
            events(ex, s.get(1));
        } else if (s.size() == 3 && s.get(0).equals("crawls") && s.get(2).equals("stop")) {
            sendHtml(ex, 200, pages.confirmStop(s.get(1)));
        } else if (s.size() == 3 && s.get(0).equals("images")) {
            found(ex, withDb(c -> pages.image(c, s.get(1), s.get(2))), "No OCR result for image " + s.get(2) + " in crawl " + s.get(1));
        } else if (s.size() == 4 && s.get(0).equals("images") && s.get(3).equals("raw")) {
            Optional<ConsolePages.Raw> raw = withDb(c -> pages.raw(c, s.get(1), s.get(2)));
            if (raw.isEmpty()) {
                send(ex, 404, "text/plain; charset=utf-8", "not kept".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String type = raw.get().contentType() == null ? "" : raw.get().contentType().toLowerCase(Locale.ROOT).split(";")[0].strip();
            if (!IMAGE_TYPES.contains(type)) {
                type = "application/octet-stream";
                ex.getResponseHeaders().set("Content-Disposition", "attachment");
            }
            send(ex, 200, type, raw.get().bytes());
        } else {
            sendHtml(ex, 404, Html.page("Not found", "<p>Nothing at " + Html.escape(path) + "</p>"));
        }
    }

    /** Stops a crawl for a POST from this console's own page: same origin and the server's CSRF token, else 403. */
    private void stop(HttpExchange ex, String crawl) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(8192);
        Map<String, String> fields = form(new String(body, StandardCharsets.UTF_8));
        if (!sameOrigin(ex)) {
            sendHtml(ex, 403, Html.page("Refused", "<p>The request does not come from this console (Origin or Referer).</p>"));
            return;
        }
        String given = fields.get("csrf");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), csrf.getBytes(StandardCharsets.UTF_8))) {
            sendHtml(ex, 403, Html.page("Refused", "<p>The form's token is missing or wrong: open the stop page again.</p>"));
            return;
        }
        stopCrawl.accept(crawl);
        log.info("Crawl {} stopped from the console", crawl);
        ex.getResponseHeaders().set("Location", "/crawls/" + Html.q(crawl));
        send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
    }

    /** The Origin header, or else the Referer, names this server (as the Host header gives it). */
    private static boolean sameOrigin(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return false;
        }
        String self = "http://" + host;
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null) {
            return origin.equals(self);
        }
        String referer = ex.getRequestHeaders().getFirst("Referer");
        return referer != null && (referer.equals(self) || referer.startsWith(self + "/"));
    }

    /** Sends one JSON event a second until the client goes away or the server stops. */
    private void events(HttpExchange ex, String crawl) throws IOException, SQLException {
        try (Connection c = db.get()) {
            if (pages.event(c, crawl).isEmpty()) {
                sendHtml(ex, 404, Html.page("Not found", "<p>No crawl " + Html.escape(crawl) + "</p>"));
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            while (running) {
                Optional<String> event = pages.event(c, crawl);
                if (event.isEmpty()) {
                    return;
                }
                out.write(("data: " + event.get() + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    Thread.sleep(EVENT_INTERVAL_MS); // the stream's pace, not a wait for a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("Event stream of crawl {} ended: {}", crawl, e.toString());
        }
    }

    /**
     * Whether the request carries the token (when there is one). {@code /?token=T} with the right token sets the
     * cookie and redirects to {@code /}, so the token leaves the address bar.
     */
    private boolean authorized(HttpExchange ex, String path, Map<String, String> query) throws IOException {
        if (token == null) {
            return true;
        }
        if (path.equals("/") && query.containsKey("token") && matches(query.get("token"))) {
            ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + query.get("token") + "; Path=/; HttpOnly; SameSite=Strict");
            ex.getResponseHeaders().set("Location", "/");
            send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
            return false;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.startsWith("Bearer ") && matches(auth.substring(7).strip())) {
            return true;
        }
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String cookie : header.split(";")) {
                String[] kv = cookie.strip().split("=", 2);
                if (kv.length == 2 && kv[0].equals(COOKIE) && matches(kv[1])) {
                    return true;
                }
            }
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        sendHtml(ex, 401, Html.page("Token required", "<p>Open /?token=… with the console's token, or send Authorization: Bearer ….</p>"));
        return false;
    }

    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token);
    }

    private interface DbCall<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T withDb(DbCall<T> call) throws SQLException {
        try (Connection c = db.get()) {
            return call.apply(c);
        }
    }

    private static void found(HttpExchange ex, Optional<String> html, String missing) throws IOException {
        if (html.isPresent()) {
            sendHtml(ex, 200, html.get());
        } else {
            sendHtml(ex, 404, Html.page("Not found", "<p>" + Html.escape(missing) + "</p>"));
        }
    }

    private static void sendHtml(HttpExchange ex, int status, String html) throws IOException {
        send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean empty = body.length == 0 || ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            ex.getResponseBody().write(body);
        }
    }

    /** The path's segments, percent-decoded: "/crawls/a%2Fb/stop" is [crawls, a/b, stop]. */
    private static List<String> segments(String rawPath) {
        return java.util.Arrays.stream(rawPath.split("/")).filter(x -> !x.isEmpty()).map(ConsoleServer::decode).toList();
    }

    /** Fields of a query string or form body ({@code a=1&b=2}); the first of a repeated name wins. */
    static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.putIfAbsent(decode(kv[0]), kv.length == 2 ? decode(kv[1].replace("+", "%20")) : "");
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    @Override
    public void close() {
        running = false;
        server.stop(0);
        executor.shutdownNow();
    }
}
