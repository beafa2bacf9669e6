package dev.crawlocr.it.bench;

import static org.awaitility.Awaitility.await;

import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.localcluster.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Generated sites ({@link DemoSite}) written to files and served by one nginx process, one virtual server per site
 * on its own loopback address: a real web server, so that serving costs the machine what a real site's own server
 * would, and both crawlers meet the same one. Every request is logged, so its arrival time (epoch ms) is known.
 */
final class NginxSites implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final List<DemoSite> sites = new ArrayList<>();
    private Process nginx;

    NginxSites(Path dir) {
        this.dir = dir;
    }

    /** A site like {@link DemoSite#start} ({@code index}: {@link DemoSite#withIndex}) on {@code address}, served once {@link #start} runs. */
    DemoSite add(String address, int pages, int pagesPerImage, long seed, boolean index) throws IOException {
        DemoSite site = DemoSite.unserved(address, Ports.free(), pages, pagesPerImage, seed, index);
        site.writeTo(root(sites.size()));
        sites.add(site);
        return site;
    }

    /** Starts nginx with a virtual server for every site added, and waits until each one accepts connections. */
    void start() throws IOException {
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < sites.size(); i++) {
            String hostPort = sites.get(i).baseUrl().substring("http://".length());
            servers.append("""
                        server {
                            listen %s;
                            root %s;
                            access_log %s arrival;
                            location = / { return 301 /page/0.html; }
                        }
                    """.formatted(hostPort, root(i), log(i)));
        }
        // As root, the workers run as root too: the files sit in a directory only its owner can read.
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                user root;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    types { text/html html; image/png png; text/plain txt; }
                    charset utf-8;
                    sendfile on;
                    log_format arrival '$msec $request_time';
                %2$s}
                """.formatted(dir, servers));
        nginx = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> !nginx.isAlive() || sites.stream().allMatch(NginxSites::accepts));
        } catch (ConditionTimeoutException e) {
            // reported below
        }
        if (!nginx.isAlive() || !sites.stream().allMatch(NginxSites::accepts)) {
            throw new IOException("nginx did not start serving every site: see " + dir.resolve("nginx.out") + " and " + dir.resolve("error.log"));
        }
    }

    /** The epoch-ms arrival times of the requests to {@code of} that arrived at or after {@code sinceEpochMs}. */
    LongSummaryStatistics requests(List<DemoSite> of, long sinceEpochMs) {
        LongSummaryStatistics s = new LongSummaryStatistics();
        for (DemoSite site : of) {
            try (Stream<String> lines = Files.lines(log(sites.indexOf(site)))) {
                lines.mapToLong(NginxSites::arrivalEpochMs).filter(at -> at >= sinceEpochMs).forEach(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return s;
    }

    /** A log line holds when the response ended and how long the request took, both in seconds. */
    private static long arrivalEpochMs(String line) {
        String[] f = line.split(" ");
        return Math.round((Double.parseDouble(f[0]) - Double.parseDouble(f[1])) * 1000);
    }

    /** What {@code nginx -v} says of itself. */
    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return out.replace("nginx version: ", "");
    }

    /** The nginx processes (master and worker), for CPU accounting. */
    List<Long> pids() {
        if (nginx == null) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>(List.of(nginx.pid()));
        nginx.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    private static boolean accepts(DemoSite site) {
        String[] hostPort = site.baseUrl().substring("http://".length()).split(":");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path root(int i) {
        return dir.resolve("site-" + i);
    }

    private Path log(int i) {
        return dir.resolve("site-" + i + ".log");
    }

    @Override
    public void close() throws InterruptedException {
        if (nginx != null && nginx.isAlive()) {
            nginx.destroy(); // SIGTERM: nginx's fast shutdown
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor();
            }
        }
    }
}
