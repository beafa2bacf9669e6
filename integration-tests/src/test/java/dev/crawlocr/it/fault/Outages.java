package dev.crawlocr.it.fault;

import dev.crawlocr.devkit.Postgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops and starts real services for fault tests. */
final class Outages {
    private static final Path PG_CTLCLUSTER = Path.of("/usr/bin/pg_ctlcluster");

    /** True when the tests' PostgreSQL is this machine's cluster, which {@link #postgres} can stop and start. */
    static boolean localPostgres(Postgres pg) {
        return System.getenv("CRAWLOCR_PG_URL") == null && Files.isExecutable(PG_CTLCLUSTER)
                && pg.adminUrl().matches("jdbc:postgresql://(127\\.0\\.0\\.1|localhost):5432/.*");
    }

    /** Runs {@code pg_ctlcluster 15 main stop|start} (fast shutdown: connections are cut, as in a crash). */
    static void postgres(String action) throws IOException, InterruptedException {
        String cluster = new String(new ProcessBuilder("pg_lsclusters", "--no-header").start().getInputStream().readAllBytes()).trim();
        String[] f = cluster.split("\\s+");
        Process p = new ProcessBuilder(List.of(PG_CTLCLUSTER.toString(), f[0], f[1], action, "-m", "fast")).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pg_ctlcluster " + action + " failed");
        }
    }

    static boolean reachable(Postgres pg) {
        try (Connection c = pg.connect()) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    static boolean listening(String hostPort) {
        String[] hp = hostPort.split(":");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Outages() {
    }
}
