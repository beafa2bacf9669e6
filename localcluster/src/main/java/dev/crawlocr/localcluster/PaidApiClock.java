package dev.crawlocr.localcluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What {@link PaidApi} decides from arrival times alone, in the order the arrivals are taken: whether a request is
 * over the rate (more than {@code ratePerSecond} in less than 1,000 ms), whether the overload answers it, and whether
 * it arrived inside the Retry-After period of an earlier overload answer. Times are {@link System#nanoTime}.
 * Memory is one {@code long} per request of the rate. Thread-safe.
 */
final class PaidApiClock {
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A request's arrival, whether it broke the rate or ignored a Retry-After, and its overload answer (status 0: none). */
    record Arrival(long nanos, boolean overRate, boolean ignoredRetryAfter, int overloadStatus, int retryAfterSeconds) {
    }

    private final int ratePerSecond;
    private final long[] lastArrivals; // a ring of the last ratePerSecond arrivals
    private int next;
    private long arrivals;
    private long tightestNanos = Long.MAX_VALUE;
    private boolean overloaded;
    private long overloadUntil;
    private int overloadStatus;
    private int overloadRetryAfter;
    private boolean retryAfterPending;
    private long retryAfterUntil;

    PaidApiClock(int ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
        this.lastArrivals = new long[ratePerSecond];
    }

    /** From now until {@code window} has passed, requests that {@link #arrive} may answer get {@code status}. */
    synchronized void overload(Duration window, int retryAfterSeconds, int status) {
        overloaded = true;
        overloadUntil = System.nanoTime() + window.toNanos();
        overloadStatus = status;
        overloadRetryAfter = retryAfterSeconds;
    }

    /** The shortest time in which {@code ratePerSecond + 1} requests arrived (under a second: over the rate); MAX_VALUE before that many. */
    synchronized long tightestNanos() {
        return tightestNanos;
    }

    /**
     * Takes a request's arrival time. {@code answerable}: no other answer (401, or 429 for concurrency) comes first,
     * so an overload in force answers it, and a Retry-After period starts at its arrival.
     */
    synchronized Arrival arrive(boolean answerable) {
        long now = System.nanoTime();
        // The oldest of the last ratePerSecond arrivals less than a second ago makes this one too many.
        boolean overRate = arrivals >= ratePerSecond && now - lastArrivals[next] < WINDOW_NANOS;
        if (arrivals >= ratePerSecond) {
            tightestNanos = Math.min(tightestNanos, now - lastArrivals[next]);
        }
        lastArrivals[next] = now;
        next = (next + 1) % ratePerSecond;
        arrivals++;
        boolean ignored = retryAfterPending && now - retryAfterUntil < 0;
        int status = 0;
        if (overloaded && now - overloadUntil < 0 && answerable && !overRate) {
            status = overloadStatus;
            long until = now + TimeUnit.SECONDS.toNanos(overloadRetryAfter);
            if (!retryAfterPending || until - retryAfterUntil > 0) {
                retryAfterUntil = until;
            }
            retryAfterPending = true;
        }
        return new Arrival(now, overRate, ignored, status, overloadRetryAfter);
    }
}
