package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A writer started before PostgreSQL answers waits for it, live but not ready, and becomes ready once it answers.
 * PostgreSQL "comes up" as a TCP forwarder to the real server, opened on a port the writer has been refused on.
 */
class DatabaseWaitIT {

    @Test
    void aWriterStartedBeforePostgresqlWaitsForItAndIsNotReadyMeanwhile() throws Exception {
        try (WriterKit kit = new WriterKit()) {
            URI real = URI.create(kit.dbUrl.substring("jdbc:".length()));
            int dbPort = freePort();
            int opsPort = freePort();
            String lateUrl = "jdbc:postgresql://127.0.0.1:" + dbPort + real.getRawPath();
            CompletableFuture<WriterNode> started = CompletableFuture.supplyAsync(() -> kit.startWriter("DATABASE_URL", lateUrl,
                    "OPS_PORT", Integer.toString(opsPort)));
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().until(() -> status(http, opsPort, "/health/live") == 200);
            // refused for a while: live, not ready, and still starting
            await().during(Duration.ofSeconds(3)).atMost(10, TimeUnit.SECONDS).until(() -> status(http, opsPort, "/health/ready") != 200);
            assertThat(started).isNotDone();

            try (ServerSocket forwarder = new ServerSocket(dbPort, 50, InetAddress.getLoopbackAddress())) {
                Thread.ofVirtual().start(() -> forward(forwarder, real.getHost(), real.getPort()));
                WriterNode writer = started.get(60, TimeUnit.SECONDS);
                await().atMost(60, TimeUnit.SECONDS).until(writer::isReady);
                assertThat(kit.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isPositive();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int status(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Accepts connections until the server socket closes, piping each to host:port both ways. */
    private static void forward(ServerSocket server, String host, int port) {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(host, port);
                Thread.ofVirtual().start(() -> pipe(in, out));
                Thread.ofVirtual().start(() -> pipe(out, in));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
            i.transferTo(o);
        } catch (IOException e) {
            // the other side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
