package dev.crawlocr.common.ops;

import dev.crawlocr.common.config.ConfigException;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a node from {@code main}: builds it, closes it on SIGTERM, and exits 2 on bad config, 1 on failure. */
public final class NodeMain {
    private static final Logger log = LoggerFactory.getLogger(NodeMain.class);

    /**
     * A running node. {@link #awaitFailure()} blocks until the node stops by itself, returning why, or until it is
     * closed, returning null.
     */
    public interface Node extends AutoCloseable {
        Throwable awaitFailure() throws InterruptedException;

        @Override
        void close();
    }

    public static void run(String name, Supplier<Node> factory) {
        Node node;
        try {
            node = factory.get();
        } catch (ConfigException e) {
            System.err.println(name + ": " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException | LinkageError e) {
            // A LinkageError (a class or native library the runtime lacks) would otherwise end only the main thread,
            // leaving the process up, never ready, with its other threads running.
            log.error("{} failed to start: {}", name, e.toString(), e);
            System.exit(1);
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{} shutting down", name);
            node.close();
            closed.countDown();
        }, "shutdown"));
        try {
            Throwable failure = node.awaitFailure();
            if (failure != null && closed.getCount() > 0) {
                log.error("{} stopped: {}", name, failure.toString(), failure);
                System.exit(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private NodeMain() {
    }
}
