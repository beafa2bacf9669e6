package dev.crawlocr.it;

import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.localcluster.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One local cluster (a broker process and one process per node, allowed to fetch from loopback) shared by the test
 * classes that need only a running cluster: each works in crawls of its own ids, which the cluster keeps apart. It
 * starts on first use and stops when the test JVM exits.
 */
final class SharedCluster {
    private static SharedCluster instance;

    private final LocalCluster cluster;
    private final String dbUrl;
    private final Postgres pg;

    private SharedCluster(LocalCluster cluster, String dbUrl, Postgres pg) {
        this.cluster = cluster;
        this.dbUrl = dbUrl;
        this.pg = pg;
    }

    static synchronized SharedCluster get() {
        if (instance == null) {
            Postgres pg = TestServices.postgres();
            String dbUrl = pg.createDatabase("shared");
            Path home = Path.of(System.getProperty("crawlocr.home", "..")).toAbsolutePath().normalize();
            LocalCluster cluster;
            try {
                cluster = new LocalCluster(Files.createTempDirectory("crawlocr-shared"), home);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "shared-cluster-stop"));
            cluster.start(new LocalCluster.Spec(1, 1, 1, false, 0, dbUrl, pg.user(), pg.password(),
                    Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8")));
            instance = new SharedCluster(cluster, dbUrl, pg);
        }
        return instance;
    }

    LocalCluster cluster() {
        return cluster;
    }

    String dbUrl() {
        return dbUrl;
    }

    Postgres postgres() {
        return pg;
    }

    /** crawlctl's arguments for this cluster followed by {@code rest}. */
    String[] crawlctlArgs(String... rest) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers=" + cluster.bootstrapServers(), "--db-url=" + dbUrl,
                "--db-user=" + pg.user(), "--db-password=" + pg.password()));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /** Runs crawlctl against this cluster. */
    CrawlctlIT.Result crawlctl(String... rest) {
        return CrawlctlIT.crawlctl(crawlctlArgs(rest));
    }
}
