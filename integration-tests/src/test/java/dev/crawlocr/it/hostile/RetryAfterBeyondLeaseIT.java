package dev.crawlocr.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A 429 with a Retry-After longer than the writer's lease defers the host in the fetcher beyond every later lease.
 * That is the server's doing: each retry ends as a FETCH_ERROR that counts against the URL's attempts (not as a task
 * returned untried, which would be leased again at once), so the URL ends after WRITER_MAX_ATTEMPTS and the crawl
 * completes.
 */
class RetryAfterBeyondLeaseIT {

    @Test
    void aHostThatAsksForAnHourEndsAsARecordedOutcome() throws Exception {
        try (HostileServer slowDown = new HostileServer();
             Pipeline p = Pipeline.start("retryafter", Map.of("WRITER_RETRY_DELAY", "1s",
                     "WRITER_MAX_ATTEMPTS", "2", "WRITER_LEASE", "10s", "WRITER_SCHEDULER_INTERVAL", "100ms"),
                     Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8", "FETCHER_RETRY_AFTER_MAX", "5s"), Map.of())) {
            slowDown.route("/", HostileRoutes.tooManyRequests(1_000_000, 3600, HostileRoutes.html("<html></html>")));
            String id = "retryafter-" + System.nanoTime();
            p.jobs.start(new CrawlJob(CrawlJob.SCHEMA, id, CrawlJob.State.RUNNING, List.of(slowDown.url("/")),
                    new CrawlScope(List.of(), List.of(), List.of(), List.of(), 1, 0, 0, null, false, 0, true),
                    new Politeness(0, 1, 0, 0, 0, 0, 0), OcrSettings.defaults(), Instant.now()));
            Optional<CrawlEvent> done = p.jobs.awaitCompletion(id, Duration.ofSeconds(60), null);
            try (CrawlDb db = new CrawlDb(p.dbUrl, p.pg.user(), p.pg.password(), id)) {
                System.out.printf("requests to the host: %d; url status %s; attempts %s; fetch_errors %d%n", slowDown.hits("/"),
                        db.urlStatus(slowDown.url("/")), db.strings("SELECT attempts::text FROM urls WHERE crawl_id = ? AND url = ?", slowDown.url("/")),
                        db.count("SELECT count(*) FROM fetch_errors WHERE crawl_id = ? AND url = ?", slowDown.url("/")));
                assertThat(done).as("completion of a crawl whose only host answers 429 Retry-After: 3600").isPresent();
                assertThat(db.page(slowDown.url("/")).status()).isEqualTo("FETCH_ERROR");
            }
        }
    }
}
