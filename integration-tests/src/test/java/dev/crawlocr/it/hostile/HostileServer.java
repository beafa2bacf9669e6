package dev.crawlocr.it.hostile;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One local "host" of the hostile web: a JDK HTTP server on 127.0.0.1 (its own port, so its own politeness unit and
 * robots.txt) with one small {@link Route} per behaviour. It counts, per path, the requests, the body bytes it
 * managed to send and the exchanges that ended (normally or because the client hung up), so a test can tell how
 * much of an endless or huge body the crawler actually took. Paths without a route answer 404. Thread-safe.
 */
final class HostileServer implements AutoCloseable {

    /** Serves one request. Write the body through {@link Exchange#body()} so the bytes are counted. */
    interface Route {
        void serve(Exchange ex) throws IOException, InterruptedException;
    }

    /** The request and a counting response body. */
    static final class Exchange {
        final HttpExchange http;
        private final AtomicLong sent;
        private OutputStream body;

        Exchange(HttpExchange http, AtomicLong sent) {
            this.http = http;
            this.sent = sent;
        }

        /** Sends status and headers; {@code length} -1 for no body, 0 for chunked, else Content-Length. */
        void head(int status, long length, String... headers) throws IOException {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                http.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            http.sendResponseHeaders(status, length);
        }

        OutputStream body() {
            if (body == null) {
                OutputStream raw = http.getResponseBody();
                body = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        raw.write(b);
                        sent.incrementAndGet();
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        raw.write(b, off, len);
                        sent.addAndGet(len);
                    }

                    @Override
                    public void flush() throws IOException {
                        raw.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        raw.close();
                    }
                };
            }
            return body;
        }

        /** A complete response with a fixed body. */
        void send(int status, String contentType, byte[] bytes, String... headers) throws IOException {
            String[] all = new String[headers.length + 2];
            all[0] = "Content-Type";
            all[1] = contentType;
            System.arraycopy(headers, 0, all, 2, headers.length);
            head(status, bytes.length == 0 ? -1 : bytes.length, all);
            if (bytes.length > 0) {
                body().write(bytes);
            }
        }
    }

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> ended = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    HostileServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start a test HTTP server on 127.0.0.1", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** Adds a route for an exact path (query strings are ignored), or for every path under it when it ends in '*'. */
    HostileServer route(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String url(String path) {
        return base() + path;
    }

    /** {@code 127.0.0.1:port}, the host key the crawl uses. */
    String hostKey() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** Body bytes this server wrote for {@code path} over all requests. */
    long bytesSent(String path) {
        AtomicLong n = sent.get(path);
        return n == null ? 0 : n.get();
    }

    /** Exchanges of {@code path} that are over (answered, or aborted by the client). */
    int ended(String path) {
        AtomicInteger n = ended.get(path);
        return n == null ? 0 : n.get();
    }

    /** System.nanoTime() of every request to {@code path}, in order. */
    List<Long> arrivals(String path) {
        return new ArrayList<>(arrivals.getOrDefault(path, List.of()));
    }

    /** Blocks a handler until the server closes: a peer that never answers. */
    void hang() throws InterruptedException {
        closing.await();
    }

    private void handle(HttpExchange http) {
        String path = http.getRequestURI().getPath();
        arrivals.computeIfAbsent(path, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
        hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        Route route = find(path);
        try (http) {
            Exchange ex = new Exchange(http, sent.computeIfAbsent(path, k -> new AtomicLong()));
            if (route == null) {
                ex.send(404, "text/plain", "not found".getBytes());
            } else {
                route.serve(ex);
            }
        } catch (IOException e) {
            // the client hung up (timeouts, caps): exactly what several routes provoke
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private Route find(String path) {
        Route exact = routes.get(path);
        if (exact != null) {
            return exact;
        }
        return routes.entrySet().stream()
                .filter(e -> e.getKey().endsWith("*") && path.startsWith(e.getKey().substring(0, e.getKey().length() - 1)))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
