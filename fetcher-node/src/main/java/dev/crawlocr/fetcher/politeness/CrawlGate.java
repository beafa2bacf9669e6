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
 * <p>Rate: request starts are planned {@code interval = (1 s + }{@value #MARGIN_MS}{@code  ms) / rate} apart, one
 * start at a time in arrival order, and never sooner than {@code interval - }{@value #TOLERANCE_MS}{@code  ms} after
 * the previous start as it happened. So a thread that wakes a little late does not delay every later start (the plan
 * absorbs up to {@value #TOLERANCE_MS} ms), one that wakes very late (a pause) moves the plan instead of causing a
 * burst, and any {@code rate + 1} starts span at least {@code 1 s + MARGIN - TOLERANCE}: no window of one second
 * holds more requests than the rate, with the rest of the margin for the time between a start and its arrival. Connections:
 * at most {@code crawlConnections} requests of the crawl are in progress. A 429 or 503 halves the rate (at most once
 * a second; never below {@value #MIN_FACTOR} of the contract), which then recovers linearly to the contract within
 * {@value #RECOVERY_SECONDS} s; a Retry-After defers every host of the crawl.
 *
 * <p>A gate starts as if the contract had just been used in full: its first request waits a whole window, since the
 * crawl's previous fetcher (before a rebalance or a crash) may have spent it. Thread-safe; callers block (virtual
 * threads).
 */
public final class CrawlGate {
    static final long MARGIN_MS = 30;
    static final long TOLERANCE_MS = 3;
    static final double MIN_FACTOR = 0.05;
    static final long RECOVERY_SECONDS = 30;
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1000 + MARGIN_MS);
    private static final long RECOVERY_NANOS = TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
    private static final long DECREASE_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(TOLERANCE_MS);

    /** A connection of the crawl, held from the start of a request to its end. */
    public final class Permit implements AutoCloseable {
        private boolean released;

        @Override
        public void close() {
            if (!released) {
                released = true;
                release();
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
    private long nextStart;
    private long notBefore;
    private double factor = 1;
    private long decreasedAt;
    private int active;

    /**
     * @param partition   the frontier partition the crawl's tasks arrive on here
     * @param connections the crawl's connection limit; 0 for none
     */
    public CrawlGate(int partition, int connections, long nowNanos) {
        this.partition = partition;
        this.connections = connections > 0 ? new Semaphore(connections, true) : null;
        this.nextStart = nowNanos + WINDOW_NANOS;
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
        Permit permit = new Permit();
        boolean turn = false;
        try {
            turn = ratePerSecond <= 0 ? awaitDeferral(deadlineNanos) : awaitRate(ratePerSecond, deadlineNanos);
        } finally {
            if (!turn) {
                permit.close();
            }
        }
        return turn ? permit : null;
    }

    private boolean awaitDeferral(long deadlineNanos) throws InterruptedException {
        while (true) {
            long until = deferredUntil();
            if (until - deadlineNanos > 0) {
                return false;
            }
            if (until - System.nanoTime() <= 0) {
                return true;
            }
            sleepUntil(until); // and look again: another answer may have deferred the crawl further meanwhile
        }
    }

    private boolean awaitRate(double ratePerSecond, long deadlineNanos) throws InterruptedException {
        if (!starts.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        try {
            long start;
            while (true) {
                state.lock();
                try {
                    start = Math.max(Math.max(System.nanoTime(), nextStart), notBefore);
                } finally {
                    state.unlock();
                }
                if (start - deadlineNanos > 0) {
                    return false;
                }
                sleepUntil(start);
                if (deferredUntil() - System.nanoTime() <= 0) {
                    break; // else a Retry-After came in while this start waited: plan it again
                }
            }
            long now = System.nanoTime();
            state.lock();
            try {
                long interval = (long) (WINDOW_NANOS / (ratePerSecond * factor(now)));
                nextStart = Math.max(start + interval, now + interval - TOLERANCE_NANOS);
            } finally {
                state.unlock();
            }
            return true;
        } finally {
            starts.unlock();
        }
    }

    private long deferredUntil() {
        state.lock();
        try {
            return notBefore;
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

    private void release() {
        if (connections != null) {
            connections.release();
        }
        state.lock();
        try {
            active--;
            idle.signalAll();
        } finally {
            state.unlock();
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
