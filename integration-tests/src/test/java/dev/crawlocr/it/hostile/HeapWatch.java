package dev.crawlocr.it.hostile;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Tracks the heap that is still in use right after each garbage collection of this JVM, the closest thing to the
 * live set: a node holding a 50 MB page or an inflated gzip bomb would show it here, while short-lived garbage
 * does not. Listens to the collectors' notifications from {@link #start()} to {@link #close()}. Thread-safe.
 */
final class HeapWatch implements AutoCloseable {
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicInteger collections = new AtomicInteger();
    private final List<Runnable> removals = new ArrayList<>();

    static HeapWatch start() {
        HeapWatch w = new HeapWatch();
        NotificationListener listener = (n, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (w.heapPools.contains(e.getKey())) {
                        used += e.getValue().getUsed();
                    }
                }
                w.maxAfterGc.accumulateAndGet(used, Math::max);
                w.collections.incrementAndGet();
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                w.removals.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // already gone
                    }
                });
            }
        }
        return w;
    }

    /** The largest heap in use after any collection since {@link #start()}, in bytes. */
    long maxUsedAfterGc() {
        return maxAfterGc.get();
    }

    int collections() {
        return collections.get();
    }

    /** Heap in use now, after a full collection was requested. */
    static long usedAfterFullGc() {
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    @Override
    public void close() {
        removals.forEach(Runnable::run);
    }
}
