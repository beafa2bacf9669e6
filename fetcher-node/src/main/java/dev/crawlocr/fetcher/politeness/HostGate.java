package dev.crawlocr.fetcher.politeness;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Politeness for one host: when the next request may start, how many may run at once, and the per-minute request
 * budget. Every request to the host (page, image, robots.txt, retry) takes a turn here.
 *
 * <p>A request may start no sooner than {@code delay} after both the start and the end of the previous one, and
 * not before a deferral (Retry-After) ends. Measuring from the end as well means the server never sees two
 * arrivals closer than the delay, whatever the latency. A gate starts as if a request had just ended when it is
 * created, so a host that arrives at this node (start-up or rebalance) waits a full delay first; with a
 * per-minute budget it also starts with that budget spent, because the previous owner may have used it.
 *
 * <p>A host that stops answering is taken out for a while: after {@value #UNREACHABLE_AFTER} requests in a row end
 * without any response (refused, unresolvable, or silent until a timeout), no request is sent to it for
 * {@code cooldown}, so
 * the tasks queued for it end at once instead of each waiting out its own timeouts and retries. The first request
 * after the cool-down tries again; a response of any kind puts the host back.
 * Thread-safe; callers block (virtual threads).
 */
public final class HostGate {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    /** Requests in a row without a response after which the host counts as unreachable. */
    public static final int UNREACHABLE_AFTER = 3;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition connectionFreed = lock.newCondition();
    private final ArrayDeque<Long> lastMinute = new ArrayDeque<>();
    private long lastStart;
    private long lastEnd;
    private long notBefore;
    private int active;
    private volatile long lastUsed;
    private int failuresInARow;
    private long unreachableUntil;
    private String lastFailure;

    private final long createdNanos;
    private boolean budgetSeeded;

    public HostGate(long nowNanos) {
        createdNanos = nowNanos;
        lastStart = nowNanos;
        lastEnd = nowNanos;
        notBefore = nowNanos;
        lastUsed = nowNanos;
    }

    /**
     * Once per gate: counts {@code perMinuteBudget} requests as sent when the gate was created, because the host's
     * previous owner may have spent the minute's budget. Later calls do nothing.
     */
    public void assumeBudgetSpent(int perMinuteBudget) {
        lock.lock();
        try {
            if (!budgetSeeded) {
                budgetSeeded = true;
                for (int i = 0; i < perMinuteBudget; i++) {
                    lastMinute.addFirst(createdNanos);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves the earliest allowed start at or before {@code deadlineNanos} and sleeps until it.
     *
     * @param delayNanos       minimum gap to the previous request's start and end
     * @param perMinuteBudget  requests per rolling minute; 0 for unlimited
     * @return nanoseconds waited, or -1 when the earliest start is after the deadline (nothing reserved)
     */
    public long awaitTurn(long delayNanos, int perMinuteBudget, long deadlineNanos) throws InterruptedException {
        long now = System.nanoTime();
        long start;
        lock.lock();
        try {
            start = Math.max(now, Math.max(Math.max(lastStart, lastEnd) + delayNanos, notBefore));
            while (!lastMinute.isEmpty() && lastMinute.peekFirst() + MINUTE <= start) {
                lastMinute.pollFirst();
            }
            if (perMinuteBudget > 0 && lastMinute.size() >= perMinuteBudget) {
                start = Math.max(start, sortedNth(lastMinute.size() - perMinuteBudget) + MINUTE);
            }
            if (start - deadlineNanos > 0) {
                return -1;
            }
            lastStart = start;
            lastMinute.addLast(start);
            lastUsed = start;
        } finally {
            lock.unlock();
        }
        long wait = start - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        return Math.max(0, start - now);
    }

    private long sortedNth(int index) {
        return lastMinute.stream().sorted().skip(index).findFirst().orElse(0L);
    }

    /** Marks the end of a request (response read or failed). */
    public void requestEnded() {
        lock.lock();
        try {
            lastEnd = Math.max(lastEnd, System.nanoTime());
            lastUsed = lastEnd;
        } finally {
            lock.unlock();
        }
    }

    /** True when the server deferred this host (Retry-After, robots.txt) past {@code deadlineNanos}. */
    public boolean deferredPast(long deadlineNanos) {
        lock.lock();
        try {
            return notBefore - deadlineNanos > 0;
        } finally {
            lock.unlock();
        }
    }

    /** No request may start before {@code untilNanos} (Retry-After, or robots.txt deferral). */
    public void deferUntil(long untilNanos) {
        lock.lock();
        try {
            if (untilNanos - notBefore > 0) {
                notBefore = untilNanos;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A request to the host got a response, whatever its status: the host answers. */
    public void answered() {
        lock.lock();
        try {
            failuresInARow = 0;
            unreachableUntil = 0;
        } finally {
            lock.unlock();
        }
    }

    /** A request to the host ended without a response; the host counts as unreachable for {@code cooldownNanos} after the last of {@value #UNREACHABLE_AFTER} in a row. */
    public void unanswered(String problem, long cooldownNanos) {
        lock.lock();
        try {
            lastFailure = problem;
            if (++failuresInARow >= UNREACHABLE_AFTER) {
                unreachableUntil = System.nanoTime() + cooldownNanos;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Why no request may be sent to the host now, or null when it may be tried. */
    public String unreachable() {
        lock.lock();
        try {
            return unreachableUntil - System.nanoTime() > 0
                    ? "host unreachable: " + failuresInARow + " requests in a row without a response, the last: " + lastFailure
                    : null;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until fewer than {@code max} tasks of this host are running, then counts this one. */
    public void acquireConnection(int max) throws InterruptedException {
        lock.lock();
        try {
            while (active >= max) {
                connectionFreed.await();
            }
            active++;
        } finally {
            lock.unlock();
        }
    }

    public void releaseConnection() {
        lock.lock();
        try {
            active--;
            lastUsed = System.nanoTime();
            connectionFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True when nothing runs and the last request is older than {@code idleNanos}, so the gate may be forgotten. */
    public boolean isIdle(long nowNanos, long idleNanos) {
        lock.lock();
        try {
            return active == 0 && nowNanos - lastUsed > idleNanos && nowNanos - notBefore > 0;
        } finally {
            lock.unlock();
        }
    }
}
