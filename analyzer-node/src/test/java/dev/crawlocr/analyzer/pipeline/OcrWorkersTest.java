package dev.crawlocr.analyzer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crawlocr.analyzer.ocr.EngineSet;
import dev.crawlocr.analyzer.ocr.OcrTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OcrWorkersTest {
    private static OcrWorkers workers(int threads, int capacity, Duration timeout) {
        return new OcrWorkers(threads, capacity, timeout, () -> new EngineSet(Path.of("/nonexistent"), 10, 1), new MemoryGuard(Long.MAX_VALUE, 0));
    }

    @Test
    void a_stuck_job_is_failed_by_the_watchdog_and_its_worker_replaced() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (OcrWorkers pool = workers(1, 10, Duration.ofMillis(100))) {
            CompletableFuture<String> stuck = pool.submit(ctx -> {
                never.await();
                return "unreachable";
            });
            assertThatThrownBy(() -> stuck.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(OcrTimeoutException.class).hasMessageContaining("exceeded the 100 ms timeout");
            assertThat(pool.submit(ctx -> "next").get(10, TimeUnit.SECONDS)).isEqualTo("next");
            assertThat(pool.timeouts()).isEqualTo(1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void reports_full_once_capacity_jobs_wait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (OcrWorkers pool = workers(1, 2, Duration.ofMinutes(1))) {
            CountDownLatch started = new CountDownLatch(1);
            pool.submit(ctx -> {
                started.countDown();
                release.await();
                return 0;
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            pool.submit(ctx -> 1);
            assertThat(pool.isFull()).isFalse();
            CompletableFuture<Integer> last = pool.submit(ctx -> 2);
            assertThat(pool.isFull()).isTrue();
            assertThat(pool.queued()).isEqualTo(2);
            release.countDown();
            assertThat(last.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(pool.isFull()).isFalse();
        }
    }

    @Test
    void a_job_gets_its_deadline() throws Exception {
        try (OcrWorkers pool = workers(1, 2, Duration.ofSeconds(5))) {
            int remaining = pool.submit(OcrWorkers.WorkerContext::remainingMs).get(10, TimeUnit.SECONDS);
            assertThat(remaining).isBetween(1, 5000);
        }
    }
}
