package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.DiscoveredUrls.Link;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.UrlKind;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A seed becomes a FetchTask; fetch results and OCR become searchable rows; URL statuses follow. */
class WriterNodeIT {

    @Test
    void seedsAndResultsBecomeRowsAndFetchTasks() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            String seed = "http://site.test/";
            String second = "http://site.test/harbour.html";
            String img = "http://img.site.test/sign.png";
            kit.startCrawl(seed);

            FetchTask seedTask = frontier.await(seed);
            assertThat(seedTask.host()).isEqualTo("site.test");
            assertThat(seedTask.attempt()).isEqualTo(1);
            assertThat(seedTask.leaseUntilMs()).isGreaterThan(System.currentTimeMillis());
            assertThat(kit.strings("SELECT status FROM urls")).containsExactly("LEASED");

            kit.discovered(seed, List.of(new Link(second, UrlKind.PAGE, 1), new Link(seed, UrlKind.PAGE, 1)));
            kit.discovered(seed, List.of(new Link(img, UrlKind.IMAGE, 1)));
            kit.fetched(kit.page(seedTask, "Lighthouses", WriterKit.text(seed, 3500), List.of(img)));

            FetchTask secondTask = frontier.await(second);
            FetchTask imgTask = frontier.await(img);
            assertThat(imgTask.host()).isEqualTo("img.site.test");
            assertThat(imgTask.kind()).isEqualTo(UrlKind.IMAGE);
            kit.fetched(kit.page(secondTask, "Harbours", "Boats rest in the harbour at night", List.of()));
            kit.send("crawl.ocr", "c0ffee", kit.ocr("c0ffee", img, "NO ENTRY AFTER DARK"));
            kit.fetched(kit.image(imgTask, "c0ffee"));

            await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(kit.count("SELECT count(*) FROM pages WHERE status = 'FETCHED'")).isEqualTo(2);
                assertThat(kit.count("SELECT count(*) FROM images WHERE status = 'FETCHED' AND format = 'png' AND width = 320")).isEqualTo(1);
                assertThat(kit.count("SELECT count(*) FROM ocr_results")).isEqualTo(1);
                assertThat(kit.strings("SELECT status FROM urls")).containsOnly("FETCHED").hasSize(3);
            });
            await().atMost(5, TimeUnit.SECONDS).until(() -> kit.strings("SELECT state FROM crawls").equals(List.of("FINISHED")));
            assertThat(kit.count("SELECT count(*) FROM page_images")).isEqualTo(1);
            assertThat(kit.count("SELECT count(*) FROM urls WHERE length(url_hash) = 16 AND lease_until IS NULL AND next_fetch_at IS NULL"))
                    .isEqualTo(3);
            assertThat(kit.count("SELECT jsonb_array_length(words) FROM ocr_results")).isEqualTo(4);
            assertThat(kit.strings("SELECT url FROM pages WHERE tsv @@ crawlocr_query('lighthouse keeper')")).containsExactly(seed);
            assertThat(kit.strings("SELECT image_url FROM ocr_results WHERE tsv @@ crawlocr_query('entry dark')")).containsExactly(img);
            assertThat(frontier.seen()).extracting(FetchTask::url).containsExactlyInAnyOrder(seed, second, img);
        }
    }

    @Test
    void aNewCrawlsSeedsAreLeasedAtOnceNotAtTheNextTimedRound() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter("WRITER_SCHEDULER_INTERVAL", "1h");
            WriterKit.Frontier frontier = kit.frontier();
            String seed = "http://prompt.test/";
            // The job alone, as crawlctl publishes it before the seeds' record: the writer registers the seeds with the crawl.
            kit.send(Topics.JOBS, kit.crawlId, new CrawlJob(CrawlJob.SCHEMA, kit.crawlId, CrawlJob.State.RUNNING, List.of(seed), null, null,
                    null, Instant.now()));
            // within the await's 30 s, where the next timed round would come in an hour
            assertThat(frontier.await(seed).attempt()).isEqualTo(1);
        }
    }
}
