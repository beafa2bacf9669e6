package dev.crawlocr.fetcher.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Plain HTTP GETs for the fetcher: Apache HttpClient 5 (classic, blocking; callers run on virtual threads), one
 * request per call. Redirects are not followed (the caller records them), nothing is retried here, cookies are
 * ignored, gzip and deflate bodies are decompressed, and the body is read up to a cap counted after
 * decompression. Every connection goes through {@link GuardedDnsResolver}, and the address actually connected is
 * checked again after the exchange. Thread-safe.
 */
public final class HttpFetcher implements AutoCloseable {

    /** Timeouts and identity of the client. */
    public record Settings(String userAgent, Duration connectTimeout, Duration readTimeout, Duration totalTimeout, int maxConnections) {
    }

    private final CloseableHttpClient client;
    private final NetworkGuard guard;
    private final Settings settings;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("http-total-timeout").factory());

    public HttpFetcher(Settings settings, NetworkGuard guard) {
        this.settings = settings;
        this.guard = guard;
        timer.setRemoveOnCancelPolicy(true); // a finished request's deadline leaves the queue at once
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new GuardedDnsResolver(guard))
                .setMaxConnTotal(settings.maxConnections())
                .setMaxConnPerRoute(settings.maxConnections())
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(Timeout.of(settings.readTimeout()))
                        .setTimeToLive(TimeValue.ofMinutes(5))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setResponseTimeout(Timeout.of(settings.readTimeout()))
                        .setConnectionRequestTimeout(Timeout.of(settings.totalTimeout()))
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent(settings.userAgent())
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }

    /**
     * GETs {@code url} and reads at most {@code maxBytes} of its decompressed body.
     *
     * @param accept  the Accept header
     * @param headers more request headers (a crawl's, secrets resolved); never logged
     * @throws FetchFailure when no response arrived, naming why
     */
    public HttpResult get(String url, String accept, Map<String, String> headers, long maxBytes) throws FetchFailure {
        return get(url, accept, headers, BodyCap.of(maxBytes));
    }

    /** As {@link #get(String, String, Map, long)}, with the cap chosen by the response's content type. */
    public HttpResult get(String url, String accept, Map<String, String> headers, BodyCap cap) throws FetchFailure {
        HttpGet get;
        try {
            get = new HttpGet(URI.create(url));
        } catch (IllegalArgumentException e) {
            throw new FetchFailure(FetchFailure.Kind.INVALID, "Invalid URL: " + e.getMessage(), e);
        }
        get.setHeader("Accept", accept);
        headers.forEach(get::setHeader);
        HttpClientContext context = HttpClientContext.create();
        long start = System.nanoTime();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            timedOut.set(true);
            get.cancel();
        }, settings.totalTimeout().toMillis(), TimeUnit.MILLISECONDS);
        HttpResult result = null;
        boolean responded = false;
        try (ClassicHttpResponse response = client.executeOpen(null, get, context)) {
            responded = true;
            String remote = checkConnectedAddress(url, context, get);
            HttpEntity entity = response.getEntity();
            byte[] body = new byte[0];
            boolean truncated = false;
            if (entity != null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                InputStream in = entity.getContent();
                boolean whole = false;
                try {
                    truncated = copy(in, out, cap.forType(header(response, "Content-Type")));
                    whole = !truncated;
                } finally {
                    if (whole) {
                        in.close();
                    } else {
                        get.cancel(); // abort the connection: closing the stream would read the rest of a cut body
                    }
                }
                body = out.toByteArray();
            }
            result = new HttpResult(response.getCode(), header(response, "Content-Type"), header(response, "Location"),
                    header(response, "Retry-After"), body, truncated, (System.nanoTime() - start) / 1_000_000, remote,
                    header(response, "ETag"), header(response, "Last-Modified"));
            return result;
        } catch (IOException | RuntimeException e) {
            if (result != null) {
                return result; // releasing an aborted connection failed after the (cut) body was read: nothing is lost
            }
            throw failure(e, timedOut.get(), responded);
        } finally {
            deadline.cancel(false);
        }
    }

    /** @param responded whether response headers arrived before the failure: a host that answered is not unanswered */
    private FetchFailure failure(Exception failure, boolean timedOut, boolean responded) {
        try {
            throw failure;
        } catch (BlockedAddressException e) {
            return new FetchFailure(FetchFailure.Kind.BLOCKED, e.getMessage(), e);
        } catch (UnknownHostException e) {
            return new FetchFailure(FetchFailure.Kind.DNS, "Unknown host: " + e.getMessage(), e, true);
        } catch (SocketTimeoutException e) {
            return new FetchFailure(FetchFailure.Kind.TIMEOUT, "Timed out: " + e.getMessage(), e, !responded);
        } catch (InterruptedIOException e) {
            if (timedOut) {
                return new FetchFailure(FetchFailure.Kind.TIMEOUT, "Total timeout of " + settings.totalTimeout().toMillis() + " ms exceeded", e,
                        !responded);
            }
            return new FetchFailure(FetchFailure.Kind.NETWORK, "Interrupted: " + e.getMessage(), e, !responded && e instanceof ConnectTimeoutException);
        } catch (ConnectException e) {
            return new FetchFailure(FetchFailure.Kind.NETWORK, "Connection refused: " + e.getMessage(), e, true);
        } catch (IOException | RuntimeException e) {
            if (timedOut && !(e instanceof BlockedConnectionException)) {
                return new FetchFailure(FetchFailure.Kind.TIMEOUT, "Total timeout of " + settings.totalTimeout().toMillis() + " ms exceeded", e,
                        !responded);
            }
            if (e instanceof BlockedConnectionException) {
                return new FetchFailure(FetchFailure.Kind.BLOCKED, e.getMessage(), e);
            }
            return new FetchFailure(FetchFailure.Kind.NETWORK, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            return new FetchFailure(FetchFailure.Kind.NETWORK, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Belt and braces: the resolver already filtered, but the address actually connected is checked again. */
    private String checkConnectedAddress(String url, HttpClientContext context, HttpGet get) throws BlockedConnectionException {
        EndpointDetails endpoint = context.getEndpointDetails();
        if (endpoint == null || !(endpoint.getRemoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
            return null;
        }
        var reason = guard.blockReason(remote.getAddress());
        if (reason.isPresent()) {
            get.cancel();
            throw new BlockedConnectionException("SSRF guard blocked the connection for " + url + ": " + reason.get());
        }
        return remote.getAddress().getHostAddress();
    }

    /** Copies at most {@code max} bytes; true when more were available (the body was cut). */
    private static boolean copy(InputStream in, ByteArrayOutputStream out, long max) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            if (total + n > max) {
                out.write(buf, 0, (int) (max - total));
                return true;
            }
            out.write(buf, 0, n);
            total += n;
        }
        return false;
    }

    private static String header(ClassicHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            // closing sockets; nothing to do
        }
    }

    /** The connection ended at a blocked address although the resolver filtered (should not happen). */
    static final class BlockedConnectionException extends IOException {
        BlockedConnectionException(String message) {
            super(message);
        }
    }
}
