package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.UrlKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database going away mid-crawl loses nothing: sinks keep their records and retry with back-off, the
 * consumers pause, and everything is written once the database is back.
 */
class OutageIT {
    private static final Logger log = LoggerFactory.getLogger(OutageIT.class);
    private static final Path PG_CTLCLUSTER = Path.of("/usr/bin/pg_ctlcluster");

    @Test
    void theDatabaseUnreachableFor20SecondsMidCrawlLosesNothing() {
        try (WriterKit kit = new WriterKit()) {
            URI pg = URI.create(kit.dbUrl.substring("jdbc:".length()));
            try (TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort())) {
                String viaProxy = kit.dbUrl.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + proxy.port());
                // A lease commit whose reply is lost in the cut leaves URLs leased but never emitted: the lease's
                // expiry recovers them, so the test's lease is short enough for that to happen within its wait.
                WriterNode writer = kit.startWriter("DATABASE_URL", viaProxy, "WRITER_LEASE", "10s");
                WriterKit.Tap events = kit.events();
                try (FakeFetcher fetcher = new FakeFetcher(kit, "fetcher-outage", kit.site(40, 5))) {
                    kit.startCrawl(WriterKit.pageUrl(0));
                    await().atMost(60, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM pages") >= 5);
                    proxy.cut();
                    long cutAt = System.nanoTime();
                    log.info("Database connection cut");
                    await().atMost(60, TimeUnit.SECONDS).until(() -> WriterKit.metric(writer, "writer_db_retries_total") > 0
                            && System.nanoTime() - cutAt >= Duration.ofSeconds(20).toNanos());
                    proxy.restore();
                    log.info("Database connection restored");

                    await().atMost(90, TimeUnit.SECONDS).until(() -> !events.poll().isEmpty());
                    CrawlEvent done = Json.decode(events.poll().get(0).value(), CrawlEvent.class);
                    assertThat(done.counts()).containsEntry("urls", 45L).containsEntry("FETCHED", 45L).containsEntry("pages", 40L)
                            .containsEntry("images", 5L).containsEntry("ocr", 5L);
                    assertThat(fetcher.fetches()).hasSize(45).allSatisfy((url, n) -> assertThat(n).as(url).isEqualTo(1));
                    assertThat(kit.count("SELECT count(*) FROM page_images")).isEqualTo(40);
                }
            }
        }
    }

    /**
     * A real server shutdown: the local cluster is stopped while records arrive and started again at once
     * (briefly: other builds share it). Elsewhere the connection is cut instead.
     */
    @Test
    void aDatabaseRestartWhileRecordsArriveLosesNothing() throws Exception {
        boolean local = System.getenv("CRAWLOCR_PG_URL") == null && Files.isExecutable(PG_CTLCLUSTER)
                && dev.crawlocr.devkit.TestServices.postgres().adminUrl().matches("jdbc:postgresql://(127\\.0\\.0\\.1|localhost):5432/.*");
        try (WriterKit kit = new WriterKit(); TcpProxy proxy = local ? null : newProxy(kit)) {
            WriterNode writer = local ? kit.startWriter() : kit.startWriter("DATABASE_URL", kit.dbUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/"));
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'crawlocr-writer'") > 0);
            try {
                if (local) {
                    pgCluster("stop");
                } else {
                    proxy.cut();
                }
                for (int i = 0; i < 50; i++) {
                    String url = "http://restart.test/" + kit.crawlId + "/" + i;
                    kit.fetched(kit.page(new FetchTask(FetchTask.SCHEMA, kit.crawlId, url, "restart.test", UrlKind.PAGE, 0, 1, Long.MAX_VALUE),
                            "Restart " + i, "Written after the restart " + i, List.of()));
                }
                await().atMost(60, TimeUnit.SECONDS).until(() -> WriterKit.metric(writer, "writer_db_retries_total") > 0);
            } finally {
                if (local) {
                    pgCluster("start");
                } else {
                    proxy.restore();
                }
            }
            await().atMost(60, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM pages") == 50);
            assertThat(kit.count("SELECT count(*) FROM urls WHERE status = 'FETCHED'")).isEqualTo(50);
        }
    }

    private static TcpProxy newProxy(WriterKit kit) {
        URI pg = URI.create(kit.dbUrl.substring("jdbc:".length()));
        return new TcpProxy(pg.getHost(), pg.getPort());
    }

    private static void pgCluster(String action) throws IOException, InterruptedException {
        List<String> command = action.equals("stop") ? List.of(PG_CTLCLUSTER.toString(), "15", "main", "stop", "-m", "fast")
                : List.of(PG_CTLCLUSTER.toString(), "15", "main", action);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        log.info("pg_ctlcluster 15 main {}: exit {} {}", action, ok ? 0 : "failed", out.strip());
        if (!ok && action.equals("start")) {
            // one more try: the next tests of everyone on this machine need the server
            new ProcessBuilder(PG_CTLCLUSTER.toString(), "15", "main", "start").inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }
}
