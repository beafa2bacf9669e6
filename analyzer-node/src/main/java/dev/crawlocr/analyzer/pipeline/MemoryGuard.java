package dev.crawlocr.analyzer.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the process's resident memory (Linux {@code /proc/self/statm}), which includes Tesseract's native
 * allocations the JVM cannot see. Past the budget it asks workers to recycle their engines, one worker per
 * {@code cooldown} at most, so a process that stays over budget does not reload models on every image.
 * Thread-safe.
 */
public final class MemoryGuard {
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE = 4096;

    private final long budgetBytes;
    private final long cooldownNanos;
    private final AtomicLong lastRecycle = new AtomicLong(System.nanoTime());
    private final AtomicLong recycles = new AtomicLong();

    public MemoryGuard(long budgetBytes, long cooldownMs) {
        this.budgetBytes = budgetBytes;
        this.cooldownNanos = TimeUnit.MILLISECONDS.toNanos(cooldownMs);
    }

    /** True (for one caller per cooldown) when resident memory exceeds the budget. */
    public boolean shouldRecycle() {
        long last = lastRecycle.get();
        long now = System.nanoTime();
        if (now - last < cooldownNanos || residentBytes() <= budgetBytes) {
            return false;
        }
        if (lastRecycle.compareAndSet(last, now)) {
            recycles.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Recycles requested since start. */
    public long recycles() {
        return recycles.get();
    }

    /** Resident set size of this process in bytes, or 0 where /proc is unavailable. */
    public long residentBytes() {
        try {
            String[] fields = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
