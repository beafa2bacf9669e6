package dev.crawlocr.fetcher.politeness;

import dev.crawlocr.common.message.Politeness;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A crawl's contract for all of its hosts together ({@link Politeness#crawlRatePerSecond()},
 * {@link Politeness#crawlConnections()}), kept by the one fetcher that holds the crawl: the writer keys such a
 * crawl's tasks by crawl id, so they share one partition of {@code crawl.frontier} and so one fetcher. Every request
 * of the crawl (page, robots.txt, retry, on any host) takes a turn here after its host's turn.
 *
 * <p>Rate: a rate {@code r} is kept as "no window of {@code W = K / r} holds more than {@code K} requests", with
 * {@code K = max(1, floor(r))} (100/s: 100 in any second; 0.5/s: 1 in any 2 s), as the server counts them on arrival,
 * whatever the delays on the way: a request arrives after it starts and before its response ends, so a start waits
 * until {@code W} after the end of the K-th request before it (and while that one is still going, until it ends).
 * A service's latency so costs rate: at 5 ms per answer 100/s gives about 99.5/s, at 300 ms about 77/s. Starts are
 * also spread {@code 1 / r} apart, one at a time in arrival order,
 * no sooner than {@code 1 / r - }{@value #TOLERANCE_MS}{@code  ms} after the previous start as it happened, so a
 * thread that wakes a little late does not push every later start back, and one that wakes very late (a pause) moves
 * the plan instead of causing a burst.
 *
 * <p>Connections: at most {@code crawlConnections} requests of the crawl are in progress. A 429 or 503 halves the
 * rate (at most once a second; never below {@value #MIN_FACTOR} of the contract), which then recovers linearly to
 * the contract within {@value #RECOVERY_SECONDS} s; a Retry-After defers every host of the crawl.
 *
 * <p>A gate starts as if the contract had just been used in full: its first request waits a whole window, since the
 * crawl's previous fetcher (before a rebalance or a crash) may have spent it. Thread-safe; callers block (virtual
 * threads).
 */
public final class CrawlGate {
    static final long TOLERANCE_MS = 3;
    static final double MIN_FACTOR = 0.05;
    static final long RECOVERY_SECONDS = 30;
    static final int MAX_COUNT = 100_000;
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The end of a request still in progress. */
    private static final long IN_PROGRESS = Long.MAX_VALUE;
    private static final long RECOVERY_NANOS = TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
    private static final long DECREASE_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(TOLERANCE_MS);

    /** A connection of the crawl, held from the start of a request to its end. */
    public final class Permit implements AutoCloseable {
        private final int slot;
        private final long start;
        private boolean released;

        private Permit(int slot, long start) {
            this.slot = slot;
            this.start = start;
        }

        /** Ends the request: its end is recorded, and its connection is free. */
        @Override
        public void close() {
            if (!released) {
                released = true;
                release(this);
            }
        }
    }

    private final int partition;
    /** Starts go one at a time, in arrival order. */
    private final ReentrantLock starts = new ReentrantLock(true);
    private final Semaphore connections;
    /** Guards the fields below (not held while sleeping). */
    private final ReentrantLock state = new ReentrantLock();
    private final Condition idle = state.newCondition();
    private final Condition ended = state.newCondition();
    /** The latest requests' starts and ends, a ring of {@code K} at the contract's rate (newest at head - 1). */
    private final long[] startedAt;
    private final long[] endedAt;
    private int head;
    private int recorded;
    private long nextStart;
    private long notBefore;
    private double factor = 1;
    private long decreasedAt;
    private int active;

    /**
     * @param partition   the frontier partition the crawl's tasks arrive on here
     * @param connections the crawl's connection limit; 0 for none
     * @param rate        the crawl's rate, for the window its first request waits; 0 for none
     */
    public CrawlGate(int partition, int connections, double rate, long nowNanos) {
        this.partition = partition;
        this.connections = connections > 0 ? new Semaphore(connections, true) : null;
        int k = count(rate);
        this.startedAt = new long[k];
        this.endedAt = new long[k];
        this.nextStart = nowNanos + (rate > 0 ? window(rate, k) : 0);
        this.notBefore = nowNanos;
        this.decreasedAt = nowNanos - RECOVERY_NANOS;
    }

    public int partition() {
        return partition;
    }

    /**
     * Waits for a connection and the crawl's turn, until {@code deadlineNanos} at most.
     *
     * @param ratePerSecond the contract's rate; 0 for none
     * @return the connection to close when the request ended, or null when the deadline came first (nothing held)
     */
    public Permit acquire(double ratePerSecond, long deadlineNanos) throws InterruptedException {
        if (connections != null && !connections.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return null;
        }
        state.lock();
        try {
            active++;
        } finally {
            state.unlock();
        }
        Permit permit = null;
        try {
            permit = ratePerSecond <= 0 ? awaitDeferral(deadlineNanos) : awaitRate(ratePerSecond, deadlineNanos);
        } finally {
            if (permit == null) {
                release(null);
            }
        }
        return permit;
    }

    private Permit awaitDeferral(long deadlineNanos) throws InterruptedException {
        while (true) {
            long until = deferredUntil();
            if (until - deadlineNanos > 0) {
                return null;
            }
            if (until - System.nanoTime() <= 0) {
                return new Permit(-1, 0);
            }
            sleepUntil(until); // and look again: another answer may have deferred the crawl further meanwhile
        }
    }

    private Permit awaitRate(double ratePerSecond, long deadlineNanos) throws InterruptedException {
        if (!starts.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            while (true) {
                long earliest = earliestStart(ratePerSecond, deadlineNanos);
                long start = Math.max(System.nanoTime(), earliest);
                if (earliest == IN_PROGRESS || start - deadlineNanos > 0) {
                    return null;
                }
                sleepUntil(start);
                long now = System.nanoTime();
                if (earliestStart(ratePerSecond, now) - now <= 0) {
                    return record(ratePerSecond, start, now);
                }
                // a Retry-After came in meanwhile: plan this start again
            }
        } finally {
            starts.unlock();
        }
    }

    /**
     * The earliest start the spacing, the window and any deferral allow (it may have passed). While the request that
     * closes the window is still in progress, waits for it to end until {@code deadlineNanos}, and returns
     * {@link #IN_PROGRESS} if it has not by then.
     */
    private long earliestStart(double ratePerSecond, long deadlineNanos) throws InterruptedException {
        state.lock();
        try {
            while (true) {
                double rate = ratePerSecond * factor(System.nanoTime());
                int k = Math.min(count(rate), startedAt.length);
                long start = Math.max(nextStart, notBefore);
                if (recorded < k) {
                    return start;
                }
                long kthEnd = endedAt[Math.floorMod(head - k, startedAt.length)];
                if (kthEnd != IN_PROGRESS) {
                    return Math.max(start, kthEnd + window(rate, k));
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return IN_PROGRESS;
                }
                ended.awaitNanos(left);
            }
        } finally {
            state.unlock();
        }
    }

    private Permit record(double ratePerSecond, long planned, long now) {
        state.lock();
        try {
            int slot = head;
            startedAt[slot] = now;
            endedAt[slot] = IN_PROGRESS;
            head = (head + 1) % startedAt.length;
            recorded++;
            long interval = (long) (SECOND_NANOS / (ratePerSecond * factor(now)));
            nextStart = Math.max(planned + interval, now + interval - TOLERANCE_NANOS);
            return new Permit(slot, now);
        } finally {
            state.unlock();
        }
    }

    /** The server said it is overloaded (429, 503): the rate is halved, and no request starts before {@code retryAfterMs}. */
    public void overloaded(long retryAfterMs) {
        long now = System.nanoTime();
        state.lock();
        try {
            if (now - decreasedAt > DECREASE_GAP_NANOS) {
                factor = Math.max(MIN_FACTOR, factor(now) / 2);
                decreasedAt = now;
            }
            if (retryAfterMs > 0) {
                notBefore = Math.max(notBefore, now + TimeUnit.MILLISECONDS.toNanos(retryAfterMs));
            }
        } finally {
            state.unlock();
        }
    }

    /** The share of the contract's rate used now: halved by overloads, recovering linearly. */
    public double factor() {
        state.lock();
        try {
            return factor(System.nanoTime());
        } finally {
            state.unlock();
        }
    }

    private double factor(long now) {
        return Math.min(1, factor + (double) (now - decreasedAt) / RECOVERY_NANOS);
    }

    /** True when the server deferred the crawl past {@code deadlineNanos}. */
    public boolean deferredPast(long deadlineNanos) {
        return deferredUntil() - deadlineNanos > 0;
    }

    private long deferredUntil() {
        state.lock();
        try {
            return notBefore;
        } finally {
            state.unlock();
        }
    }

    /** Waits until no request of the crawl is in progress here, {@code timeoutNanos} at most; true when none is. */
    public boolean awaitIdle(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        state.lock();
        try {
            while (active > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            state.unlock();
        }
    }

    /** Frees a connection; for a permit of a started request, records its end. */
    private void release(Permit permit) {
        if (connections != null) {
            connections.release();
        }
        state.lock();
        try {
            if (permit != null && permit.slot >= 0 && startedAt[permit.slot] == permit.start) {
                endedAt[permit.slot] = System.nanoTime();
                ended.signalAll();
            }
            active--;
            idle.signalAll();
        } finally {
            state.unlock();
        }
    }

    /** K: the most requests in a window at {@code rate} (at most {@value #MAX_COUNT}, a window under a second above that). */
    private static int count(double rate) {
        return (int) Math.max(1, Math.min(MAX_COUNT, Math.floor(rate)));
    }

    /** W = K / rate, in nanoseconds. */
    private static long window(double rate, int k) {
        return (long) (k * (SECOND_NANOS / rate));
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
