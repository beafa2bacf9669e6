package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.DiscoveredUrls.Link;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.writer.db.Database;
import dev.crawlocr.writer.frontier.Leases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A writer that dies after the registry insert, or after committing a lease but before producing the task,
 * loses no URL: the next writer emits the queued URL, and the leased one once its lease expires.
 */
class LeaseRecoveryIT {

    @Test
    void aWriterKilledBetweenRegistryInsertAndFrontierEmitLosesNoUrl() throws Exception {
        try (WriterKit kit = new WriterKit()) {
            String seed = "http://lease.test/";
            String leasedOnly = "http://lease.test/leased.html";
            String queuedOnly = "http://lease.test/queued.html";
            WriterNode registryOnly = kit.startWriter("WRITER_SCHEDULER_ENABLED", "false");
            kit.startCrawl(new Politeness(0, 1, 0, 0, 0, 0, 0), seed); // one connection, no delay: 3 leases out per host
            await().atMost(20, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM urls") == 1);
            // The seed is leased by a scheduler that dies before it can produce the task.
            try (Database db = new Database(kit.dbUrl, kit.postgres.user(), kit.postgres.password(), 2, new SimpleMeterRegistry())) {
                assertThat(new Leases(db).lease(10, Duration.ofSeconds(2)).tasks()).extracting(FetchTask::url).containsExactly(seed);
            }
            kit.discovered(seed, List.of(new Link(leasedOnly, UrlKind.PAGE, 1), new Link(queuedOnly, UrlKind.PAGE, 1)));
            await().atMost(20, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM urls WHERE status = 'QUEUED'") == 2);
            // leasedOnly too is leased and never emitted; queuedOnly stays registered but unscheduled.
            try (Database db = new Database(kit.dbUrl, kit.postgres.user(), kit.postgres.password(), 2, new SimpleMeterRegistry())) {
                int updated = db.inTransaction("test", c -> c.createStatement().executeUpdate(
                        "UPDATE urls SET status = 'LEASED', attempts = 1, lease_until = now() + interval '2 seconds',"
                                + " next_fetch_at = now() + interval '2 seconds' WHERE url LIKE '%leased.html'"));
                assertThat(updated).isEqualTo(1);
            }
            registryOnly.close();

            WriterKit.Frontier frontier = kit.frontier();
            WriterNode next = kit.startWriter();
            assertThat(frontier.await(queuedOnly).attempt()).isEqualTo(1);
            FetchTask seedAgain = frontier.awaitAttempt(seed, 2);
            FetchTask leasedAgain = frontier.awaitAttempt(leasedOnly, 2);
            assertThat(seedAgain.attempt()).isEqualTo(2);
            assertThat(leasedAgain.attempt()).isEqualTo(2);
            assertThat(frontier.seen()).extracting(FetchTask::url).containsExactlyInAnyOrder(seed, leasedOnly, queuedOnly);
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(WriterKit.metric(next, "writer_scheduler_lease_expired_total")).isEqualTo(2.0);
                assertThat(WriterKit.metric(next, "writer_scheduler_emitted_total")).isEqualTo(3.0);
            });
        }
    }
}
