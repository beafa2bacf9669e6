package dev.crawlocr.localcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mock pay-per-request web API, for contract tests of crawl-wide limits: the same API on several loopback hosts
 * (by default {@link #DEFAULT_ADDRESSES}), one port each, behind one usage contract of at most
 * {@code ratePerSecond} requests in any sliding window of 1,000 ms and at most {@code maxConcurrent} requests in
 * progress at once, counted over all hosts together.
 *
 * <p>Every request is charged, whatever it is answered. It is then answered, in this order of precedence:
 * 401 without {@code Authorization: Bearer <token>} or with another token; 429 with {@code Retry-After: 1} when it
 * broke the contract; the overload status while {@link #overload} is in force; else by path, as
 * {@link PaidApiItems} writes it: {@code /items/{n}} (JSON), {@code /items/{n}.csv}, {@code .xml} and {@code .txt},
 * {@code /broken/{n}} (truncated JSON), {@code /robots.txt} (disallows everything) and a JSON 404 for anything
 * else. Every answer waits the configured latency first.
 *
 * <p>The rate is measured on arrival with {@link System#nanoTime}, and every request counts, answered 401 or 429
 * included: a request breaks it when it is the {@code ratePerSecond + 1}-th in less than 1,000 ms. A request is in
 * progress from its arrival until its response's last byte is handed to the connection. A request that breaks
 * both limits is recorded as two violations and answered one 429.
 *
 * <p>Memory stays bounded by the distinct URLs requested: counters, not request logs, except for the first
 * {@link #MAX_LISTED_VIOLATIONS} violations, which are listed (all are counted). Thread-safe.
 */
public final class PaidApi implements AutoCloseable {
    public static final List<String> DEFAULT_ADDRESSES = List.of("127.0.1.1", "127.0.1.2", "127.0.1.3");
    public static final Duration DEFAULT_LATENCY = Duration.ofMillis(5);
    /** How many violations {@link #violations()} lists at most. */
    public static final int MAX_LISTED_VIOLATIONS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(PaidApi.class);

    /** The limit of the contract that a request broke. */
    public enum Limit {
        RATE, CONCURRENCY;

        /** "rate" or "concurrency". */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One request over a limit: the host ({@code address:port}) and path (with its query, if any) it asked for, and
     * its arrival ({@link System#nanoTime}).
     */
    public record Violation(Limit kind, String host, String path, long atNanos) {
    }

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<String> baseUrls = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final String authorization;
    private final int ratePerSecond;
    private final int maxConcurrent;
    private volatile long latencyMillis;

    private final PaidApiClock clock;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger peakInProgress = new AtomicInteger();
    private final LongAdder charged = new LongAdder();
    private final Map<String, LongAdder> chargesByUrl = new ConcurrentHashMap<>();
    private final LongAdder unauthenticated = new LongAdder();
    private final Map<String, LongAdder> unauthenticatedPaths = new ConcurrentHashMap<>();
    private final Map<Limit, LongAdder> violationCounts = new EnumMap<>(Map.of(Limit.RATE, new LongAdder(), Limit.CONCURRENCY, new LongAdder()));
    private final AtomicLong violationTotal = new AtomicLong();
    private final ConcurrentLinkedQueue<Violation> violations = new ConcurrentLinkedQueue<>();
    private final LongAdder ignoredRetryAfter = new LongAdder();

    private PaidApi(String token, int ratePerSecond, int maxConcurrent, Duration latency) {
        this.authorization = "Bearer " + token;
        this.ratePerSecond = ratePerSecond;
        this.maxConcurrent = maxConcurrent;
        this.clock = new PaidApiClock(ratePerSecond);
        this.latencyMillis = latency.toMillis();
    }

    /** The API on {@link #DEFAULT_ADDRESSES}, each on a free port, with {@link #DEFAULT_LATENCY}. */
    public static PaidApi start(String token, int ratePerSecond, int maxConcurrent) {
        return start(DEFAULT_ADDRESSES, 0, token, ratePerSecond, maxConcurrent, DEFAULT_LATENCY);
    }

    /**
     * Serves the API on each of {@code addresses} at {@code port} (0: a free port for each).
     *
     * @param token the bearer token every request must carry; not blank
     * @param ratePerSecond the most requests in any 1,000 ms, over all hosts; at least 1
     * @param maxConcurrent the most requests in progress at once, over all hosts; at least 1
     * @param latency how long every answer waits before it is sent; zero for none
     * @throws LocalClusterException when an address and port cannot be bound
     */
    public static PaidApi start(List<String> addresses, int port, String token, int ratePerSecond, int maxConcurrent, Duration latency) {
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException("The parameter 'addresses' must name at least one address");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("The parameter 'token' must not be blank");
        }
        if (ratePerSecond < 1 || maxConcurrent < 1) {
            throw new IllegalArgumentException("The parameters 'ratePerSecond' and 'maxConcurrent' must be at least 1, not "
                    + ratePerSecond + " and " + maxConcurrent);
        }
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("The parameter 'latency' must be zero or more, not " + latency);
        }
        PaidApi api = new PaidApi(token, ratePerSecond, maxConcurrent, latency);
        try {
            for (String address : addresses) {
                api.serve(address, port);
            }
        } catch (LocalClusterException e) {
            api.close();
            throw e;
        }
        return api;
    }

    private void serve(String address, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 128);
        } catch (IOException e) {
            throw new LocalClusterException("Cannot serve the paid API on " + address + ":" + port + ": " + e.getMessage()
                    + " (pick another --port or --bind)");
        }
        String host = address + ":" + server.getAddress().getPort();
        server.createContext("/", ex -> handle(host, ex));
        server.setExecutor(executor);
        server.start();
        servers.add(server);
        baseUrls.add("http://" + host);
    }

    /**
     * From now on, every host answers {@code status} (429 or 503) with {@code Retry-After: retryAfterSeconds} for
     * {@code window}, to requests that are authenticated and within the contract. A request that arrives less than
     * {@code retryAfterSeconds} after an overload answer's request arrived is counted in {@link #ignoredRetryAfter}.
     */
    public void overload(Duration window, int retryAfterSeconds, int status) {
        if (status != 429 && status != 503) {
            throw new IllegalArgumentException("The parameter 'status' must be 429 or 503, not " + status);
        }
        if (window.isNegative() || retryAfterSeconds < 0) {
            throw new IllegalArgumentException("The parameters 'window' and 'retryAfterSeconds' must not be negative");
        }
        clock.overload(window, retryAfterSeconds, status);
        LOG.info("Paid API overloaded for {}: answering {} with Retry-After: {}", window, status, retryAfterSeconds);
    }

    /** Every answer from now on waits {@code latency} before it is sent. */
    public PaidApi withLatency(Duration latency) {
        this.latencyMillis = latency.toMillis();
        return this;
    }

    /** One {@code http://address:port} per host, in the order of the addresses given. */
    public List<String> baseUrls() {
        return List.copyOf(baseUrls);
    }

    public int ratePerSecond() {
        return ratePerSecond;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** Every request received, whatever it was answered. */
    public long charged() {
        return charged.sum();
    }

    /** Requests received per URL ({@code http://address:port/path?query}), sorted by URL. */
    public Map<String, Long> charges() {
        return sums(chargesByUrl);
    }

    /** Requests received for {@code url}, as {@link #charges()} names it. */
    public long charges(String url) {
        LongAdder n = chargesByUrl.get(url);
        return n == null ? 0 : n.sum();
    }

    /** The URLs charged more than once, with their charges: empty when no URL was requested twice. */
    public Map<String, Long> repeatedUrls() {
        Map<String, Long> repeated = charges();
        repeated.values().removeIf(n -> n < 2);
        return repeated;
    }

    /** Requests answered 401: no bearer token, or another one. */
    public long unauthenticated() {
        return unauthenticated.sum();
    }

    /** The paths of {@link #unauthenticated()} requests, with how many each, sorted by path. */
    public Map<String, Long> unauthenticatedPaths() {
        return sums(unauthenticatedPaths);
    }

    /** The first {@link #MAX_LISTED_VIOLATIONS} violations, in the order they were recorded. */
    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    /** Every violation, listed or not. */
    public long violationCount() {
        return violationTotal.get();
    }

    public long violationCount(Limit kind) {
        return violationCounts.get(kind).sum();
    }

    /**
     * The shortest time in which one more request than the rate arrived: a second or more while the rate was kept,
     * so how close to the limit the clients came; null before that many requests.
     */
    public Duration tightestWindow() {
        long nanos = clock.tightestNanos();
        return nanos == Long.MAX_VALUE ? null : Duration.ofNanos(nanos);
    }

    /** Requests that arrived inside the Retry-After period of an overload answer. */
    public long ignoredRetryAfter() {
        return ignoredRetryAfter.sum();
    }

    /** The most requests that were in progress at once. */
    public int peakConcurrency() {
        return peakInProgress.get();
    }

    private void handle(String host, HttpExchange ex) throws IOException {
        int concurrent = inProgress.incrementAndGet();
        peakInProgress.accumulateAndGet(concurrent, Math::max);
        try {
            respond(host, ex, concurrent);
        } finally {
            // Before close(): close() flushes the last bytes, after which the client may send its next request.
            inProgress.decrementAndGet();
            ex.close();
        }
    }

    private void respond(String host, HttpExchange ex, int concurrent) throws IOException {
        URI uri = ex.getRequestURI();
        String path = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        charged.increment();
        chargesByUrl.computeIfAbsent("http://" + host + path, k -> new LongAdder()).increment();
        boolean authorized = authorization.equals(ex.getRequestHeaders().getFirst("Authorization"));
        boolean overConcurrency = concurrent > maxConcurrent;
        PaidApiClock.Arrival arrival = clock.arrive(authorized && !overConcurrency);
        boolean overRate = arrival.overRate();
        if (overRate) {
            violation(new Violation(Limit.RATE, host, path, arrival.nanos()));
        }
        if (overConcurrency) {
            violation(new Violation(Limit.CONCURRENCY, host, path, arrival.nanos()));
        }
        if (arrival.ignoredRetryAfter()) {
            ignoredRetryAfter.increment();
        }
        PaidApiItems.Body body;
        String[] headers = {};
        if (!authorized) {
            unauthenticated.increment();
            unauthenticatedPaths.computeIfAbsent(uri.getRawPath(), k -> new LongAdder()).increment();
            body = PaidApiItems.error(401, "missing or wrong bearer token", path);
            headers = new String[] {"WWW-Authenticate", "Bearer"};
        } else if (overRate || overConcurrency) {
            body = PaidApiItems.error(429, "over the contract's " + (overRate ? "rate" : "concurrency") + " limit", path);
            headers = new String[] {"Retry-After", "1"};
        } else if (arrival.overloadStatus() != 0) {
            body = PaidApiItems.error(arrival.overloadStatus(), "overloaded", path);
            headers = new String[] {"Retry-After", Integer.toString(arrival.retryAfterSeconds())};
        } else {
            body = PaidApiItems.forPath(uri.getRawPath());
        }
        LOG.debug("{} {}{}: {}", ex.getRequestMethod(), host, path, body.status());
        long latency = latencyMillis;
        if (latency > 0) {
            try {
                Thread.sleep(latency); // the service's own slowness, on the request's virtual thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        send(ex, body, headers);
    }

    private void violation(Violation v) {
        violationCounts.get(v.kind()).increment();
        if (violationTotal.incrementAndGet() <= MAX_LISTED_VIOLATIONS) {
            violations.add(v);
        }
        LOG.debug("Contract violation: {}", v);
    }

    private static void send(HttpExchange ex, PaidApiItems.Body body, String... headers) throws IOException {
        byte[] bytes = body.text().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", body.contentType());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            ex.getResponseHeaders().set(headers[i], headers[i + 1]);
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(body.status(), -1);
        } else {
            ex.sendResponseHeaders(body.status(), bytes.length);
            ex.getResponseBody().write(bytes); // close() in handle() sends what is still buffered
        }
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> m = new TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Stops every host's server at once; requests in progress are cut off. */
    @Override
    public void close() {
        for (HttpServer server : servers) {
            server.stop(0);
        }
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "PaidApi" + baseUrls;
    }
}
