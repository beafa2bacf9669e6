package dev.crawlocr.it;

import static dev.crawlocr.it.CrawlctlIT.args;
import static dev.crawlocr.it.CrawlctlIT.crawlctl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.localcluster.Cer;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.localcluster.LocalCluster;
import dev.crawlocr.localcluster.TextDesigns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A site of 8-bit grayscale PNGs, each of 1-5 lines in shades from black to #707070, 30% of them Korean, crawled
 * through the local cluster with {@code --lang auto}: every line of every image is stored, and each result records
 * the languages that read it.
 */
class GrayscaleSiteIT {

    @Test
    void everyLineOfEveryGrayscaleImageIsStoredWithTheLanguagesThatReadIt() throws Exception {
        Postgres pg = TestServices.postgres();
        String dbUrl = pg.createDatabase("grayscale");
        Path home = Path.of(System.getProperty("crawlocr.home", "..")).toAbsolutePath().normalize();
        LocalCluster cluster = new LocalCluster(Files.createTempDirectory("crawlocr-gray"), home);
        try (DemoSite site = DemoSite.withKorean("127.0.0.1", 0, 120, 2, 11)) {
            cluster.start(new LocalCluster.Spec(1, 1, 1, false, 0, dbUrl, pg.user(), pg.password(),
                    Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8")));
            List<String> common = List.of("--bootstrap-servers=" + cluster.bootstrapServers(), "--db-url=" + dbUrl,
                    "--db-user=" + pg.user(), "--db-password=" + pg.password());

            CrawlctlIT.Result start = crawlctl(args(common, "crawl", "start", "--seed", site.seedUrl(), "--delay", "0ms",
                    "--max-connections-per-host", "4", "--lang", "auto", "--id", "gray-1", "--wait", "--timeout", "5m"));
            assertThat(start.exitCode()).as(start.err()).isZero();

            Map<String, String[]> ocr = new HashMap<>();
            try (Connection db = DriverManager.getConnection(dbUrl, pg.user(), pg.password());
                 PreparedStatement ps = db.prepareStatement("""
                         SELECT i.url, o.text, o.languages FROM images i
                         JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
                         WHERE i.crawl_id = 'gray-1' AND o.status = 'OK'""")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ocr.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                    }
                }
            }
            assertThat(ocr.keySet()).containsExactlyInAnyOrderElementsOf(site.imageDesigns().keySet());
            List<String> dropped = new ArrayList<>();
            site.imageDesigns().forEach((url, design) -> Cer.droppedLines(design.text(), ocr.get(url)[0])
                    .forEach(line -> dropped.add(url + ": '" + line + "' not in '" + Cer.normalize(ocr.get(url)[0]) + "'")));
            assertThat(dropped).as("lines not stored").isEmpty();
            site.imageDesigns().forEach((url, design) -> assertThat(ocr.get(url)[1]).as("languages of %s (%s)", url, design.label())
                    .isEqualTo(design.script() == TextDesigns.Script.LATIN ? "eng" : "kor+eng"));

            String korean = site.imageDesigns().entrySet().stream().filter(e -> e.getValue().script() == TextDesigns.Script.HANGUL)
                    .findFirst().orElseThrow().getKey();
            CrawlctlIT.Result url = crawlctl(args(common, "url", korean));
            assertThat(url.out()).contains("languages         kor+eng");
        } finally {
            cluster.stop();
        }
    }
}
