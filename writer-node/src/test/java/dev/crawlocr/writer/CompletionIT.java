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
import dev.crawlocr.common.message.FetchStatus;
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

    /**
     * A crawl with a recrawl interval completes cycles, not itself. When its one URL has an outcome, the cycle is
     * announced with what it found, and the URL is due again a second after its fetch, as a conditional GET with the
     * validators and hash of that fetch. A 304 keeps the page as stored; another body is a change that keeps the
     * previous hash and time; a 404 where content was is gone.
     */
    @Test
    void aRecrawlingCrawlCompletesCyclesAndRecordsWhatEachFetchFound() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            WriterKit.Tap events = kit.events();
            String url = "http://again.test/";
            kit.startCrawl(new Politeness(0, 1, 0, 0, 1, 0, 0), url);

            FetchTask first = frontier.awaitNth(url, 1);
            assertThat(first.conditional()).isFalse();
            FetchResult v1 = version(first, "The first version").withValidators("\"v1\"", "Tue, 01 Dec 2026 10:00:00 GMT");
            kit.fetched(v1);
            assertThat(cycle(events, 1)).containsEntry("cycleUrls", 1L).containsEntry("new", 1L).containsEntry("changed", 0L)
                    .containsEntry("unchanged", 0L).containsEntry("gone", 0L).containsEntry("failed", 0L).containsEntry("pages", 1L);

            FetchTask second = frontier.awaitNth(url, 2);
            assertThat(second.attempt()).isEqualTo(1);
            assertThat(second.etag()).isEqualTo("\"v1\"");
            assertThat(second.lastModified()).isEqualTo("Tue, 01 Dec 2026 10:00:00 GMT");
            assertThat(second.contentHash()).isEqualTo(v1.contentHash());
            String storedAt = kit.strings("SELECT stored_at::text FROM pages").get(0);
            kit.fetched(FetchResult.notModified(second, 3));
            assertThat(cycle(events, 2)).containsEntry("unchanged", 1L).containsEntry("changed", 0L).containsEntry("new", 0L);
            assertThat(kit.strings("SELECT text || ' ' || stored_at::text FROM pages")).containsExactly("The first version " + storedAt);

            FetchTask third = frontier.awaitNth(url, 3);
            assertThat(third.etag()).isEqualTo("\"v1\"");
            FetchResult v2 = version(third, "The second version").withValidators("\"v2\"", null);
            kit.fetched(v2);
            assertThat(cycle(events, 3)).containsEntry("changed", 1L).containsEntry("unchanged", 0L);
            assertThat(kit.strings("SELECT text FROM pages")).containsExactly("The second version");
            assertThat(kit.strings("SELECT change || ' ' || content_hash || ' ' || prev_content_hash || ' ' || (prev_fetched_at < changed_at) FROM urls"))
                    .containsExactly("changed " + v2.contentHash() + " " + v1.contentHash() + " true");

            FetchTask fourth = frontier.awaitNth(url, 4);
            assertThat(fourth.etag()).isEqualTo("\"v2\"");
            assertThat(fourth.lastModified()).isNull();
            kit.fetched(FetchResult.failure(fourth, FetchStatus.ERROR, 404, "HTTP 404", null, 2));
            assertThat(cycle(events, 4)).containsEntry("gone", 1L).containsEntry("changed", 0L).containsEntry("failed", 0L);
            assertThat(kit.strings("SELECT change || ' ' || coalesce(content_hash, 'none') || ' ' || prev_content_hash FROM urls"))
                    .containsExactly("gone none " + v2.contentHash());
            assertThat(kit.strings("SELECT cycle || ' ' || urls || ' ' || (sent_at IS NOT NULL) FROM crawl_cycles ORDER BY cycle"))
                    .containsExactly("1 1 true", "2 1 true", "3 1 true", "4 1 true");
            assertThat(kit.strings("SELECT state || ' ' || cycle FROM crawls")).containsExactly("RUNNING 5");
        }
    }

    /** A fetched page of {@code task} whose body is {@code text}, hashed as such. */
    private static FetchResult version(FetchTask task, String text) {
        return new FetchResult(FetchResult.SCHEMA, task.crawlId(), task.url(), UrlKind.PAGE, task.depth(), FetchStatus.FETCHED, null, task.url(),
                200, "text/html", "Again", text, false, "hash-" + text.hashCode(), text.length(), 0, java.util.Map.of(), List.of(), null,
                System.currentTimeMillis(), 5, 1, task.maxRequests(), 0, task.leaseUntilMs());
    }

    /** The counts of the crawl's CYCLE_COMPLETED event for cycle {@code n}, once it has arrived. */
    private static java.util.Map<String, Long> cycle(WriterKit.Tap events, long n) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> cycleEvent(events, n) != null);
        return cycleEvent(events, n).counts();
    }

    private static CrawlEvent cycleEvent(WriterKit.Tap events, long n) {
        return events.poll().stream().map(r -> Json.decode(r.value(), CrawlEvent.class))
                .filter(e -> e.type() == CrawlEvent.Type.CYCLE_COMPLETED && e.counts().get("cycle") == n).findFirst().orElse(null);
    }
}
