package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.ctl.Crawlctl;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.localcluster.LocalCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Drives {@code crawlctl} against a local cluster (a broker process and one process per node): start a crawl,
 * watch its status to completion, tail a topic, search for a word rendered into an image, show one URL's
 * history, and crawl with a per-page link cap whose dropped links status counts.
 */
class CrawlctlIT {

    record Result(int exitCode, String out, String err) {
    }

    static Result crawlctl(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Crawlctl.run(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void startWatchTailSearchAndUrlHistoryOnALocalCluster() throws Exception {
        Postgres pg = TestServices.postgres();
        String dbUrl = pg.createDatabase("crawlctl");
        Path home = Path.of(System.getProperty("crawlocr.home", "..")).toAbsolutePath().normalize();
        LocalCluster cluster = new LocalCluster(Files.createTempDirectory("crawlocr-ctl"), home);
        try (DemoSite site = DemoSite.start(12, 3)) {
            cluster.start(new LocalCluster.Spec(1, 1, 1, false, 0, dbUrl, pg.user(), pg.password(),
                    Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8")));
            List<String> common = List.of("--bootstrap-servers=" + cluster.bootstrapServers(), "--db-url=" + dbUrl,
                    "--db-user=" + pg.user(), "--db-password=" + pg.password());

            Result start = crawlctl(args(common, "crawl", "start", "--seed", site.seedUrl(), "--delay", "20ms", "--max-requests", "1000",
                    "--id", "ctl-1"));
            assertThat(start.exitCode()).as(start.err()).isZero();
            assertThat(start.out().trim()).isEqualTo("ctl-1");

            Result status = crawlctl(args(common, "status", "ctl-1", "--watch", "--interval", "1"));
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).contains("crawl ctl-1  FINISHED").contains("stored   pages 12  images 4  ocr 4")
                    .contains("crawlocr-analyzer  crawl.images       0")
                    .contains("\n  dropped  1 link disallowed by robots.txt\n") // every page links /private/secret.html
                    .contains("budget   " + site.requests().size() + " of 1000 requests spent or held by leases");

            Result tail = crawlctl(args(common, "tail", "ocr", "--from-beginning", "--max", "1"));
            assertThat(tail.exitCode()).isZero();
            assertThat(tail.out()).contains("── crawl.ocr p").contains("\"crawlId\" : \"ctl-1\"").contains("\"status\" : \"OK\"");

            Result images = crawlctl(args(common, "tail", "images", "--from-beginning", "--max", "1"));
            assertThat(images.out()).contains("crawl-id: ctl-1").containsPattern("<\\d+ bytes of image data>");

            String imageUrl = site.imageTexts().keySet().iterator().next();
            String word = site.imageTexts().get(imageUrl).split("\\s+")[0];
            Result search = crawlctl(args(common, "search", word, "--crawl", "ctl-1"));
            assertThat(search.exitCode()).as(search.err()).isZero();
            assertThat(search.out()).contains("image " + imageUrl).contains("[" + word + "]");

            Result url = crawlctl(args(common, "url", imageUrl));
            assertThat(url.exitCode()).as(url.err()).isZero();
            assertThat(url.out()).contains("registry").contains("kind              IMAGE").contains("discovered_from   " + site.baseUrl() + "/page/")
                    .contains("ocr_status        OK").contains(word);

            try (DemoSite capped = DemoSite.start(12, 3)) {
                Result cap = crawlctl(args(common, "crawl", "start", "--seed", capped.seedUrl(), "--delay", "20ms", "--max-outlinks", "1",
                        "--id", "ctl-cap", "--wait", "--timeout", "3m"));
                assertThat(cap.exitCode()).as(cap.err()).isZero();
                // Page i links to pages 2i+1, 2i+2, (31i+17) % 12, 0 and i+1 (those that exist), then /private/secret.html.
                // Following only the first link of each page from page 0 reaches pages 0, 1, 3, 7, 6, 11 and 10 (which
                // leads back to 3); their other 3 + 4 + 5 + 3 + 3 + 2 + 3 distinct links are dropped by the cap.
                Map<String, Integer> pageHits = new TreeMap<>();
                capped.hits().forEach((path, n) -> {
                    if (path.startsWith("/page/")) {
                        pageHits.put(path, n);
                    }
                });
                assertThat(pageHits).isEqualTo(Map.of("/page/0.html", 1, "/page/1.html", 1, "/page/3.html", 1, "/page/6.html", 1,
                        "/page/7.html", 1, "/page/10.html", 1, "/page/11.html", 1));
                Result capStatus = crawlctl(args(common, "status", "ctl-cap"));
                assertThat(capStatus.exitCode()).as(capStatus.err()).isZero();
                assertThat(capStatus.out()).contains("crawl ctl-cap  FINISHED\n")
                        .contains("\n  stored   pages 7  images 4  ocr 4\n  dropped  23 links by the per-page link cap\n");
            }

            Result unknown = crawlctl(args(common, "crawl", "stop", "no-such-crawl"));
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err().trim()).isEqualTo("crawlctl: Unknown crawl 'no-such-crawl'. 'crawlctl crawl list' shows the crawls.");
        } finally {
            cluster.stop();
        }
        Result down = crawlctl("--bootstrap-servers=127.0.0.1:1", "crawl", "list");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err()).startsWith("crawlctl: Cannot reach Kafka at 127.0.0.1:1.").doesNotContain("Exception");
    }

    static String[] args(List<String> common, String... rest) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
