package dev.crawlocr.it.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host that does not speak HTTP properly, on a raw {@link ServerSocket} at 127.0.0.1: for each request path it
 * writes fixed bytes and closes the connection, whatever HTTP says. Used for responses the JDK server cannot
 * produce (garbage status lines, bodies shorter than their Content-Length). Thread-safe.
 */
final class RawServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Map<String, byte[]> replies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    RawServer() {
        try {
            socket = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open a raw test socket on 127.0.0.1", e);
        }
        Thread.ofVirtual().name("raw-server").start(this::acceptLoop);
    }

    /** What to write for {@code path}; anything unknown gets a proper 404. */
    RawServer reply(String path, String raw) {
        replies.put(path, raw.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    String url(String path) {
        return "http://" + hostKey() + path;
    }

    String hostKey() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            while (true) { // read the headers so the client is not reset before it reads our bytes
                String line = in.readLine();
                if (line == null || line.isEmpty()) {
                    break;
                }
            }
            String[] parts = requestLine.split(" ");
            String path = parts.length > 1 ? parts[1] : "/";
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            byte[] reply = replies.getOrDefault(path,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            out.write(reply);
            out.flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
