package dev.crawlocr.fetcher.politeness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostGateTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aNewGateWaitsOneDelayBeforeItsFirstRequest() throws Exception {
        long created = System.nanoTime();
        HostGate gate = new HostGate(created);
        gate.awaitTurn(150 * MS, 0, Long.MAX_VALUE);
        assertThat(System.nanoTime() - created).isGreaterThanOrEqualTo(150 * MS);
    }

    @Test
    void spacesRequestsFromThePreviousStartAndEnd() throws Exception {
        HostGate gate = new HostGate(System.nanoTime() - 1000 * MS);
        gate.awaitTurn(100 * MS, 0, Long.MAX_VALUE);
        long firstStart = System.nanoTime();
        long firstEnd = System.nanoTime(); // the request ends no earlier than this, however late requestEnded runs
        gate.requestEnded();
        gate.awaitTurn(100 * MS, 0, Long.MAX_VALUE);
        long second = System.nanoTime();
        assertThat(second - firstStart).isGreaterThanOrEqualTo(100 * MS);
        assertThat(second - firstEnd).isGreaterThanOrEqualTo(100 * MS);
    }

    @Test
    void refusesATurnBeyondTheDeadlineWithoutReservingIt() throws Exception {
        HostGate gate = new HostGate(System.nanoTime());
        assertThat(gate.awaitTurn(10_000 * MS, 0, System.nanoTime() + 50 * MS)).isEqualTo(-1);
        gate.deferUntil(System.nanoTime() + 5_000 * MS);
        assertThat(gate.awaitTurn(0, 0, System.nanoTime() + 1_000 * MS)).isEqualTo(-1);
    }

    @Test
    void perMinuteBudgetAndTheAssumptionThatANewOwnerStartsWithItSpent() throws Exception {
        HostGate gate = new HostGate(System.nanoTime() - 61_000 * MS);
        assertThat(gate.awaitTurn(0, 2, Long.MAX_VALUE)).isGreaterThanOrEqualTo(0);
        assertThat(gate.awaitTurn(0, 2, Long.MAX_VALUE)).isGreaterThanOrEqualTo(0);
        assertThat(gate.awaitTurn(0, 2, System.nanoTime() + 30_000 * MS)).as("third request within the minute").isEqualTo(-1);

        HostGate taken = new HostGate(System.nanoTime());
        taken.assumeBudgetSpent(5);
        assertThat(taken.awaitTurn(0, 5, System.nanoTime() + 30_000 * MS)).isEqualTo(-1);
        assertThat(taken.awaitTurn(0, 6, Long.MAX_VALUE)).isGreaterThanOrEqualTo(0);
    }

    @Test
    void limitsConcurrentConnections() throws Exception {
        HostGate gate = new HostGate(System.nanoTime());
        gate.acquireConnection(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                gate.acquireConnection(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.join(200);
        assertThat(waiter.isAlive()).as("second connection waits").isTrue();
        gate.releaseConnection();
        waiter.join(5_000);
        assertThat(waiter.isAlive()).isFalse();
    }
}
