package dev.crawlocr.fetcher.politeness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CrawlGateTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long FAR = Long.MAX_VALUE / 2;

    @Test
    void startsFromManyThreadsAreSpacedSoThatNoSecondHoldsMoreThanTheRate() throws Exception {
        int rate = 200;
        long created = System.nanoTime();
        CrawlGate gate = new CrawlGate(0, 0, rate, created);
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                all.add(threads.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        try (CrawlGate.Permit p = gate.acquire(rate, FAR)) {
                            starts.add(System.nanoTime());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        List<Long> sorted = starts.stream().sorted().toList();
        assertThat(sorted).hasSize(400);
        assertThat(sorted.getFirst() - created).as("a new gate waits a whole window first").isGreaterThanOrEqualTo(SECOND);
        for (int i = 0; i + rate < sorted.size(); i++) {
            assertThat(sorted.get(i + rate) - sorted.get(i)).as("starts %d and %d", i, i + rate).isGreaterThanOrEqualTo(SECOND);
        }
        double seconds = (sorted.getLast() - sorted.getFirst()) / 1e9;
        assertThat(399 / seconds).as("starts per second").isGreaterThan(rate * 0.95);
    }

    /** A request may reach the server any time before its response ends: the window it opens closes only after it ends. */
    @Test
    void aRequestStillInProgressHoldsTheWindowUntilItEnds() throws Exception {
        CrawlGate gate = new CrawlGate(0, 0, 2, System.nanoTime() - 2 * SECOND);
        CrawlGate.Permit slow = gate.acquire(2, FAR);
        gate.acquire(2, FAR).close();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> third = threads.submit(() -> {
                try (CrawlGate.Permit p = gate.acquire(2, FAR)) {
                    return System.nanoTime();
                }
            });
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !third.isDone());
            long slowEnded = System.nanoTime();
            slow.close();
            assertThat(third.get(5, TimeUnit.SECONDS) - slowEnded).as("the window after the slow request's end")
                    .isGreaterThanOrEqualTo(SECOND - TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    @Test
    void noMoreThanTheConnectionLimitIsHeldAtOnce() throws Exception {
        CrawlGate gate = new CrawlGate(0, 3, 0, System.nanoTime() - SECOND);
        List<CrawlGate.Permit> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(gate.acquire(0, FAR));
        }
        assertThat(held).doesNotContainNull();
        assertThat(gate.acquire(0, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50))).as("a fourth connection").isNull();
        held.getFirst().close();
        held.getFirst().close(); // closing twice gives back one connection only
        assertThat(gate.acquire(0, System.nanoTime() + SECOND)).isNotNull();
        assertThat(gate.acquire(0, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50))).isNull();
        assertThat(gate.awaitIdle(TimeUnit.MILLISECONDS.toNanos(50))).as("requests still in progress").isFalse();
    }

    @Test
    void anOverloadHalvesTheRateOnceASecondAndItsRetryAfterDefersEveryRequest() throws Exception {
        CrawlGate gate = new CrawlGate(0, 0, 100, System.nanoTime() - SECOND);
        assertThat(gate.factor()).isEqualTo(1.0);
        long overloadedAt = System.nanoTime();
        gate.overloaded(300);
        gate.overloaded(0);
        assertThat(gate.factor()).as("halved once within a second").isCloseTo(0.5, within(0.01));
        long soon = overloadedAt + TimeUnit.MILLISECONDS.toNanos(100); // before the Retry-After ends, however late this thread runs
        assertThat(gate.acquire(100, soon)).isNull();
        assertThat(gate.deferredPast(soon)).isTrue();
        try (CrawlGate.Permit p = gate.acquire(100, FAR)) {
            assertThat(System.nanoTime() - overloadedAt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        }
        assertThat(gate.factor()).as("recovering towards the contract").isGreaterThan(0.5).isLessThan(1.0);
    }

    @Test
    void aGateIsIdleOnceEveryRequestEnded() throws Exception {
        CrawlGate gate = new CrawlGate(0, 0, 100, System.nanoTime() - SECOND);
        CrawlGate.Permit p = gate.acquire(0, FAR);
        Thread.ofVirtual().start(p::close);
        assertThat(gate.awaitIdle(TimeUnit.SECONDS.toNanos(10))).isTrue();
    }
}
