package dev.crawlocr.fetcher.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A local HTTP server with one small handler per behaviour, as jsoup's integration routes do. Logs every request
 * (path and arrival time) so tests can count requests and measure the gaps between them. Unrouted paths are 404;
 * {@code /robots.txt} allows everything unless routed.
 */
public final class TestSite implements AutoCloseable {

    /** One request as the server saw it. */
    public record Hit(String path, long atNanos) {
    }

    private final HttpServer server;
    private final String base;
    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();

    public TestSite() {
        this("127.0.0.1");
    }

    public TestSite(String address) {
        try {
            server = HttpServer.create(new InetSocketAddress(address, 0), 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        base = "http://" + address + ":" + server.getAddress().getPort();
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        route("/robots.txt", ex -> send(ex, 200, "text/plain", "User-agent: *\nAllow: /\n"));
    }

    public TestSite route(String path, HttpHandler handler) {
        routes.put(path, handler);
        return this;
    }

    public String url(String path) {
        return base + path;
    }

    /** host:port, the politeness key. */
    public String hostKey() {
        return base.substring("http://".length());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Hit> hits() {
        return List.copyOf(hits);
    }

    public long count(String path) {
        return hits.stream().filter(h -> h.path().equals(path)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        hits.add(new Hit(path, System.nanoTime()));
        HttpHandler h = routes.get(path);
        if (h == null) {
            h = routes.get(ex.getRequestURI().getRawPath());
        }
        try (ex) {
            if (h == null) {
                send(ex, 404, "text/html", "<html><body>not found</body></html>");
            } else {
                h.handle(ex);
            }
        } catch (IOException e) {
            // the client went away (timeouts, cut bodies); nothing to do
        }
    }

    public static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    public static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public static HttpHandler html(String body) {
        return ex -> send(ex, 200, "text/html; charset=utf-8", body);
    }

    public static HttpHandler redirect(int status, String location) {
        return ex -> {
            ex.getResponseHeaders().set("Location", location);
            send(ex, status, "text/html", new byte[0]);
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
