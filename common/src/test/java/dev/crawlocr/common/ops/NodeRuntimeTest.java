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
            node.launch();
            assertThat(node.awaitFailure()).hasMessage("the database went away for good");
            assertThat(node.isReady()).isFalse();
        }
    }

    @Test
    void aTaskThatReturnsWhileTheNodeRunsFailsIt() throws Exception {
        try (NodeRuntime node = new NodeRuntime("test-node", 0)) {
            node.run("quitter", () -> { });
            node.launch();
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
        assertThat(node.isReady()).as("ready before it is launched").isFalse();
        node.launch();
        running.await();
        assertThat(node.isReady()).isTrue();
        node.close();
        assertThat(node.awaitFailure()).isNull();
        assertThat(interrupted).isTrue();
        assertThat(closed.toString()).isEqualTo("last first ");
    }
}
