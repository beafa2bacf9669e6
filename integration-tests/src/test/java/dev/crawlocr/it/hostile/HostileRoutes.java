package dev.crawlocr.it.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The behaviours of the hostile web, one small {@link HostileServer.Route} each: bodies that never end or end too
 * late, bombs, lies about the content, redirects and status codes. Stateless unless noted.
 */
final class HostileRoutes {
    static final String HTML = "text/html; charset=utf-8";

    /** A fixed HTML page. */
    static HostileServer.Route html(String html) {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        return ex -> ex.send(200, HTML, bytes);
    }

    /** Fixed bytes with any content type and extra headers. */
    static HostileServer.Route bytes(String contentType, byte[] body, String... headers) {
        return ex -> ex.send(200, contentType, body, headers);
    }

    static HostileServer.Route status(int status, String... headers) {
        return ex -> ex.send(status, "text/html", "<html><body>status</body></html>".getBytes(StandardCharsets.UTF_8), headers);
    }

    static HostileServer.Route redirect(int status, String location) {
        return ex -> ex.send(status, "text/html", new byte[0], "Location", location);
    }

    /** Headers, then one byte a second, for up to {@code seconds}: never silent long enough for a read timeout. */
    static HostileServer.Route drip(int seconds) {
        return ex -> {
            ex.head(200, 0, "Content-Type", HTML);
            OutputStream out = ex.body();
            for (int i = 0; i < seconds; i++) {
                out.write('<');
                out.flush();
                TimeUnit.SECONDS.sleep(1); // the server's pace is the behaviour under test
            }
        };
    }

    /** A chunked body that never ends, written as fast as the client reads. */
    static HostileServer.Route endless(String contentType, byte[] prefix) {
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) ' ');
        return ex -> {
            ex.head(200, 0, "Content-Type", contentType);
            OutputStream out = ex.body();
            out.write(prefix);
            while (true) {
                out.write(filler);
            }
        };
    }

    /** {@code length} bytes with a Content-Length header, generated while sending: an HTML page of any size. */
    static HostileServer.Route huge(String contentType, byte[] prefix, long length) {
        byte[] filler = "<p>filler filler filler filler filler filler filler filler filler filler</p>\n".repeat(800)
                .getBytes(StandardCharsets.US_ASCII);
        return ex -> {
            ex.head(200, length, "Content-Type", contentType);
            OutputStream out = ex.body();
            out.write(prefix);
            long left = length - prefix.length;
            while (left > 0) {
                int n = (int) Math.min(left, filler.length);
                out.write(filler, 0, n);
                left -= n;
            }
        };
    }

    /**
     * A gzip bomb: {@code inflatedBytes} of spaces after {@code prefix}, gzip-compressed once (about 1/1000 of the
     * inflated size on the wire) and sent with {@code Content-Encoding: gzip}.
     */
    static HostileServer.Route gzipBomb(String contentType, byte[] prefix, long inflatedBytes) {
        byte[] wire = gzip(prefix, inflatedBytes);
        return ex -> ex.send(200, contentType, wire, "Content-Encoding", "gzip");
    }

    /** Says gzip, sends bytes that are not. */
    static HostileServer.Route brokenGzip() {
        byte[] junk = "this is not gzip data at all, just text pretending".getBytes(StandardCharsets.US_ASCII);
        return ex -> ex.send(200, HTML, junk, "Content-Encoding", "gzip");
    }

    /** 429 with {@code Retry-After: seconds} for the first {@code times} requests, then {@code then}. Stateful. */
    static HostileServer.Route tooManyRequests(int times, int retryAfterSeconds, HostileServer.Route then) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return ex -> {
            if (n.getAndIncrement() < times) {
                ex.send(429, "text/plain", "slow down".getBytes(StandardCharsets.US_ASCII), "Retry-After", Integer.toString(retryAfterSeconds));
            } else {
                then.serve(ex);
            }
        };
    }

    /** Never answers (until the server closes). */
    static HostileServer.Route hang(HostileServer server) {
        return ex -> server.hang();
    }

    static byte[] gzip(byte[] prefix, long inflatedBytes) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] spaces = new byte[1 << 20];
        Arrays.fill(spaces, (byte) ' ');
        try (GZIPOutputStream gz = new GZIPOutputStream(wire, 1 << 16)) {
            gz.write(prefix);
            for (long left = inflatedBytes - prefix.length; left > 0; left -= spaces.length) {
                gz.write(spaces, 0, (int) Math.min(left, spaces.length));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return wire.toByteArray();
    }

    private HostileRoutes() {
    }
}
