package dev.crawlocr.common;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the pipeline tries work again: exponential back-off between tries (Failsafe), each failed try
 * logged with what was being done. {@link #untilDone} never gives up, for loops that must outlast an outage (the
 * database, the broker); {@link #async} gives up after a number of tries and fails its future, so the caller decides
 * visibly what an exhausted retry means.
 */
public final class Retries {
    private static final Logger log = LoggerFactory.getLogger(Retries.class);

    /**
     * Where asynchronous tries and the work that follows them run: virtual threads, never the common
     * {@code ForkJoinPool}, which other code in the same JVM (one JVM running every node) may fill with blocking tasks.
     */
    public static final ExecutorService CONTINUATIONS = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Calls {@code work} until it returns, waiting {@code first}, then twice as long each time up to {@code max},
     * after each failure that {@code retryIf} accepts; any other failure is thrown at once, as it was thrown.
     *
     * @throws InterruptedException when the thread is interrupted, between tries or in one
     */
    public static <T> T untilDone(String what, Duration first, Duration max, Predicate<Throwable> retryIf, CheckedSupplier<T> work)
            throws Exception {
        RetryPolicy<T> policy = RetryPolicy.<T>builder().handleIf(e -> !(e instanceof InterruptedException) && retryIf.test(e))
                .withBackoff(first, atLeast(max, first)).withMaxRetries(-1)
                .onRetry(e -> log.warn("{} failed (try {}), trying again: {}", what, e.getAttemptCount(), String.valueOf(e.getLastException())))
                .build();
        try {
            return Failsafe.with(policy).get(work);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** {@link #untilDone(String, Duration, Duration, Predicate, CheckedSupplier)} after any exception. */
    public static <T> T untilDone(String what, Duration first, Duration max, CheckedSupplier<T> work) throws Exception {
        return untilDone(what, first, max, e -> e instanceof Exception, work);
    }

    /**
     * Starts {@code attempt} and starts it again after a failure that {@code retryIf} accepts, {@code attempts} times
     * in all, waiting {@code first} and then twice as long each time up to {@code max}. The future fails with the last
     * failure once the tries are spent, or at once with a failure {@code retryIf} refuses.
     */
    public static <T> CompletableFuture<T> async(String what, int attempts, Duration first, Duration max, Predicate<Throwable> retryIf,
                                                 Supplier<CompletionStage<T>> attempt) {
        RetryPolicy<T> policy = RetryPolicy.<T>builder().handleIf(retryIf::test).withBackoff(first, atLeast(max, first)).withMaxAttempts(attempts)
                .onRetry(e -> log.warn("{} failed (try {} of {}), trying again: {}", what, e.getAttemptCount(), attempts,
                        String.valueOf(e.getLastException())))
                .build();
        return Failsafe.with(policy).with(CONTINUATIONS).getStageAsync(attempt::get);
    }

    /** Failsafe's back-off wants its longest wait above its first. */
    private static Duration atLeast(Duration max, Duration first) {
        return max.compareTo(first) > 0 ? max : first.plusMillis(1);
    }

    private Retries() {
    }
}
