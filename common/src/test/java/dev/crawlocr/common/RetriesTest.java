package dev.crawlocr.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetriesTest {
    private static final Duration MS = Duration.ofMillis(1);

    @Test
    void untilDoneTriesAgainUntilTheWorkReturns() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        String result = Retries.untilDone("flaky work", MS, Duration.ofMillis(4), () -> {
            if (tries.incrementAndGet() < 5) {
                throw new IOException("not yet");
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(tries).hasValue(5);
    }

    @Test
    void untilDoneThrowsAFailureItMayNotRetryAtOnceAsItWasThrown() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> Retries.untilDone("bad data", MS, MS, e -> !(e instanceof SQLException), () -> {
            tries.incrementAndGet();
            throw new SQLException("value too long", "22001");
        })).isInstanceOf(SQLException.class).hasMessage("value too long");
        assertThat(tries).hasValue(1);
    }

    @Test
    void untilDoneStopsWhenTheThreadIsInterrupted() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Retries.untilDone("outage", Duration.ofMinutes(1), Duration.ofMinutes(1), () -> {
            throw new IOException("down");
        })).isInstanceOf(InterruptedException.class);
        Thread.interrupted();
    }

    @Test
    void asyncGivesUpAfterItsAttemptsWithTheLastFailure() {
        AtomicInteger tries = new AtomicInteger();
        CompletableFuture<String> f = Retries.async("send", 3, MS, Duration.ofMillis(2), e -> true,
                () -> CompletableFuture.failedFuture(new IOException("broker away, try " + tries.incrementAndGet())));
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("broker away, try 3");
        assertThat(tries).hasValue(3);
    }

    @Test
    void asyncDoesNotRetryAFailureOfTheRecordItself() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        CompletableFuture<String> f = Retries.async("send", 8, MS, MS, e -> !(e instanceof IllegalArgumentException), () -> {
            tries.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalArgumentException("record too large"));
        });
        assertThatThrownBy(f::get).hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(tries).hasValue(1);
        assertThat(Retries.async("send", 8, MS, MS, e -> true, () -> CompletableFuture.completedFuture("ok")).get()).isEqualTo("ok");
    }
}
