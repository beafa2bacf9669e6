package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Crawl lifecycle: completion with counts, STOPPED crawls and recrawls. */
class CompletionIT {

    @Test
    void aDrainedCrawlIsMarkedFinishedOnceAndAnnouncedWithItsCounts() {
        try (WriterKit kit = new WriterKit()) {
            WriterNode writer = kit.startWriter();
            WriterKit.Tap events = kit.events();
            try (FakeFetcher fetcher = new FakeFetcher(kit, "fetcher-completion", kit.site(15, 4))) {
                kit.startCrawl(WriterKit.pageUrl(0));
                await().atMost(60, TimeUnit.SECONDS).until(() -> !events.poll().isEmpty());
                CrawlEvent event = Json.decode(events.poll().get(0).value(), CrawlEvent.class);
                assertThat(event.type()).isEqualTo(CrawlEvent.Type.COMPLETED);
                assertThat(event.crawlId()).isEqualTo(kit.crawlId);
                assertThat(event.counts()).containsEntry("urls", 19L).containsEntry("FETCHED", 19L).containsEntry("pages", 15L)
                        .containsEntry("images", 4L).containsEntry("ocr", 4L).containsEntry("ocrFailed", 0L)
                        .doesNotContainKeys("QUEUED", "LEASED");
                assertThat(fetcher.fetches()).hasSize(19).allSatisfy((url, n) -> assertThat(n).as(url).isEqualTo(1));
                assertThat(fetcher.errors()).isEmpty();
                assertThat(kit.strings("SELECT state || ' ' || (finished_at IS NOT NULL) || ' ' || (completion_sent_at IS NOT NULL) FROM crawls"))
                        .containsExactly("FINISHED true true");
                await().during(Duration.ofSeconds(1)).atMost(5, TimeUnit.SECONDS).until(() -> events.poll().size() == 1);
                assertThat(WriterKit.metric(writer, "writer_crawls_completed_total")).isEqualTo(1.0);
            }
        }
    }

    /**
     * Checks run when rows are stored, not only periodically (an hour apart here): the outcome's check finds the crawl
     * incomplete while its link record is on its way, and the row that completes it is followed by the event at once.
     */
    @Test
    void aCrawlWhoseLinksAreStillOnTheirWayIsNotCompleteAndTheRowThatCompletesItWakesTheCheck() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter("WRITER_COMPLETION_INTERVAL", "1h");
            WriterKit.Frontier frontier = kit.frontier();
            WriterKit.Tap events = kit.events();
            kit.startCrawl(WriterKit.pageUrl(0));
            FetchTask seed = frontier.await(WriterKit.pageUrl(0));
            // The outcome arrives first and says one link record went before it; that record is still on its way.
            FetchResult outcome = kit.page(seed, "Seed", "links to p1", List.of()).withLinkRecords(1);
            kit.fetched(outcome);
            await().atMost(10, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM urls WHERE status = 'FETCHED'") == 1);
            await().during(Duration.ofSeconds(2)).atMost(5, TimeUnit.SECONDS).until(() -> events.poll().isEmpty());
            assertThat(kit.strings("SELECT state FROM crawls")).containsExactly("RUNNING");

            kit.discovered(seed.url(), List.of(new DiscoveredUrls.Link(WriterKit.pageUrl(1), UrlKind.PAGE, 1)), outcome.fetchedAtMs(), 0);
            FetchTask child = frontier.await(WriterKit.pageUrl(1));
            kit.fetched(kit.page(child, "Child", "no links", List.of()));
            await().atMost(10, TimeUnit.SECONDS).until(() -> !events.poll().isEmpty());
            assertThat(kit.strings("SELECT state FROM crawls")).containsExactly("FINISHED");
            long lagMs = kit.count("SELECT (extract(epoch FROM c.finished_at - max(p.stored_at)) * 1000)::bigint"
                    + " FROM crawls c JOIN pages p ON p.crawl_id = c.id GROUP BY c.finished_at");
            assertThat(lagMs).as("ms from the last stored page to the crawl's finish").isBetween(0L, 1000L);
        }
    }

    /** A fetched PDF keeps its crawl running until the analyzer's result for it is stored, as an image's OCR does. */
    @Test
    void aCrawlWithAFetchedPdfCompletesOnlyOnceThePdfsResultIsStored() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            WriterKit.Tap events = kit.events();
            kit.startCrawl(WriterKit.pageUrl(0));
            FetchTask seed = frontier.await(WriterKit.pageUrl(0));
            kit.fetched(WriterKit.data(seed, "application/pdf", "", false));
            String hash = "hash-" + seed.url().hashCode();
            await().atMost(10, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM urls WHERE status = 'FETCHED'") == 1);
            await().during(Duration.ofSeconds(2)).atMost(5, TimeUnit.SECONDS).until(() -> events.poll().isEmpty());
            assertThat(kit.strings("SELECT state FROM crawls")).containsExactly("RUNNING");

            kit.send(Topics.OCR, hash, new OcrResult(OcrResult.SCHEMA, kit.crawlId, hash, seed.url(), OcrResult.Status.FAILED,
                    "pdf_corrupt: Not a readable PDF", "", 0f, List.of(), null, "5.3.0", "pdf", 0, 0, 0, 0, 0));
            await().atMost(10, TimeUnit.SECONDS).until(() -> !events.poll().isEmpty());
            assertThat(kit.strings("SELECT state FROM crawls")).containsExactly("FINISHED");
        }
    }

    /**
     * A crawl whose URLs come as a list completes only once the job says how many records the list was sent in and
     * every one of them is registered, however soon the URLs registered so far are fetched.
     */
    @Test
    void aCrawlOfAUrlListCompletesOnlyOnceTheWholeListIsRegistered() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            WriterKit.Tap events = kit.events();
            String host = Urls.hostKey(WriterKit.pageUrl(0)).orElseThrow();
            CrawlJob job = new CrawlJob(CrawlJob.SCHEMA, kit.crawlId, CrawlJob.State.RUNNING, List.of(), CrawlScope.defaults(),
                    new Politeness(0, 1, 0, 0, 0, 0, 0), OcrSettings.defaults(), Instant.now(), null, CrawlJob.LIST_SENDING);
            kit.send(Topics.JOBS, kit.crawlId, job);
            kit.send(Topics.DISCOVERED, host, DiscoveredUrls.listPart(kit.crawlId, host,
                    List.of(new DiscoveredUrls.Link(WriterKit.pageUrl(0), UrlKind.PAGE, 0)), 0));
            kit.fetched(kit.page(frontier.await(WriterKit.pageUrl(0)), "P0", "first of the list", List.of()));
            await().atMost(10, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM urls WHERE status = 'FETCHED'") == 1);
            await().during(Duration.ofSeconds(2)).atMost(5, TimeUnit.SECONDS).until(() -> events.poll().isEmpty());

            kit.send(Topics.JOBS, kit.crawlId, job.withListRecords(2)); // part 1 is still on its way
            await().atMost(10, TimeUnit.SECONDS).until(() -> kit.count("SELECT list_records FROM crawls") == 2);
            await().during(Duration.ofSeconds(2)).atMost(5, TimeUnit.SECONDS).until(() -> events.poll().isEmpty());
            assertThat(kit.strings("SELECT state FROM crawls")).containsExactly("RUNNING");

            kit.send(Topics.DISCOVERED, host, DiscoveredUrls.listPart(kit.crawlId, host,
                    List.of(new DiscoveredUrls.Link(WriterKit.pageUrl(1), UrlKind.PAGE, 0)), 1));
            kit.fetched(kit.page(frontier.await(WriterKit.pageUrl(1)), "P1", "last of the list", List.of()));
            await().atMost(10, TimeUnit.SECONDS).until(() -> !events.poll().isEmpty());
            assertThat(kit.strings("SELECT state FROM crawls")).containsExactly("FINISHED");
            assertThat(kit.count("SELECT count(*) FROM url_list_parts")).isEqualTo(2);
        }
    }

    @Test
    void aStoppedCrawlIsNotScheduledUntilItRunsAgain() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            CrawlJob job = kit.startCrawl(WriterKit.pageUrl(0));
            FetchTask seed = frontier.await(WriterKit.pageUrl(0));

            kit.send(Topics.JOBS, kit.crawlId, job.withState(CrawlJob.State.STOPPED));
            await().atMost(20, TimeUnit.SECONDS).until(() -> kit.strings("SELECT state FROM crawls").equals(List.of("STOPPED")));
            kit.site(7, 1).accept(seed);
            await().atMost(20, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM urls WHERE status = 'QUEUED'") == 3);
            await().during(Duration.ofSeconds(2)).atMost(10, TimeUnit.SECONDS).until(() -> frontier.poll().size() == 1);

            kit.send(Topics.JOBS, kit.crawlId, job);
            frontier.await(WriterKit.pageUrl(1));
            frontier.await(WriterKit.pageUrl(2));
            frontier.await(WriterKit.imageUrl(0));
            assertThat(kit.strings("SELECT state FROM crawls")).containsExactly("RUNNING");
        }
    }

    @Test
    void withARecrawlIntervalAFetchedUrlBecomesDueAgain() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            kit.startCrawl(new Politeness(0, 1, 0, 0, 1, 0, 0), "http://again.test/");
            FetchTask first = frontier.await("http://again.test/");
            kit.fetched(kit.page(first, "Again", "Fetched once, and again a second later", List.of()));
            FetchTask second = frontier.awaitAttempt("http://again.test/", 2);
            assertThat(second.attempt()).isEqualTo(2);
            assertThat(kit.strings("SELECT state FROM crawls")).containsExactly("RUNNING");
        }
    }
}
