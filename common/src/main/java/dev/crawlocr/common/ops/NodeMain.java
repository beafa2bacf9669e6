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

    /** See {@link #widenVirtualThreadScheduler()}. */
    static final String CARRIERS = "jdk.virtualThreadScheduler.parallelism";
    static final int CARRIERS_PER_CORE = 4;

    public static void run(String name, Supplier<Node> factory) {
        widenVirtualThreadScheduler();
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

    /**
     * Gives virtual threads {@value #CARRIERS_PER_CORE} carrier threads per core, unless {@code -D}{@value #CARRIERS}
     * says otherwise; it must run before the process starts its first virtual thread. With the JDK's default of one
     * per core, a virtual thread busy on the CPU (parsing a page) keeps its carrier until it blocks, so a virtual thread
     * whose sleep or I/O has just ended waits for it: a host's next polite request starts late and its response is
     * noticed late, and every host's period grows by that wait. With more carriers than cores, the kernel's scheduler
     * shares the cores among them and the waiting thread runs at once. (The pipeline benchmark's polite crawl of 20
     * hosts on 2 cores went from 88% to 93% of its politeness limit.)
     */
    static void widenVirtualThreadScheduler() {
        if (System.getProperty(CARRIERS) == null) {
            System.setProperty(CARRIERS, Integer.toString(CARRIERS_PER_CORE * Runtime.getRuntime().availableProcessors()));
        }
    }

    private NodeMain() {
    }
}
