package dev.crawlocr.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class NodeRuntimeTest {

    @Test
    void aTaskThatThrowsFailsTheNodeAndItsReadiness() throws Exception {
        try (NodeRuntime node = new NodeRuntime("test-node", 0)) {
            node.run("boom", () -> {
                throw new IllegalStateException("the database went away for good");
            });
            node.start();
            assertThat(node.awaitFailure()).hasMessage("the database went away for good");
            assertThat(node.isReady()).isFalse();
        }
    }

    @Test
    void aTaskThatReturnsWhileTheNodeRunsFailsIt() throws Exception {
        try (NodeRuntime node = new NodeRuntime("test-node", 0)) {
            node.run("quitter", () -> { });
            node.start();
            assertThat(node.awaitFailure()).hasMessageContaining("quitter returned while the node runs");
        }
    }

    @Test
    void closingInterruptsTheTasksClosesResourcesInReverseAndIsNoFailure() throws Exception {
        NodeRuntime node = new NodeRuntime("test-node", 0);
        CountDownLatch running = new CountDownLatch(1);
        StringBuilder closed = new StringBuilder();
        AtomicBoolean interrupted = new AtomicBoolean();
        node.keep(() -> closed.append("first "));
        node.run("loop", () -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        node.keep(() -> closed.append("last "));
        node.start();
        running.await();
        assertThat(node.isReady()).isTrue();
        node.close();
        assertThat(node.awaitFailure()).isNull();
        assertThat(interrupted).isTrue();
        assertThat(closed.toString()).isEqualTo("last first ");
    }
}
