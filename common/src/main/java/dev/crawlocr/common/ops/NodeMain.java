package dev.crawlocr.common.ops;

import dev.crawlocr.common.config.ConfigException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

    /**
     * How long a SIGTERM that arrives while the node is starting waits for the start to end, so that it can close what
     * started; a start still waiting for its broker or database after this is left as it is.
     */
    static final long START_GRACE_SECONDS = 30;

    public static void run(String name, Supplier<Node> factory) {
        widenVirtualThreadScheduler();
        AtomicReference<Node> started = new AtomicReference<>();
        CountDownLatch built = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // Registered before the node is built: a SIGTERM during the start closes what started, gracefully (a fetcher
        // already fetching hands back its queue and commits what it finished) rather than ending the JVM under it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{} shutting down", name);
            try {
                if (!built.await(START_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("{} was still starting after {} s; stopping without closing it", name, START_GRACE_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Node node = started.get();
            if (node != null) {
                node.close();
            }
            closed.countDown();
        }, "shutdown"));
        Node node;
        try {
            node = factory.get();
        } catch (ConfigException e) {
            built.countDown();
            System.err.println(name + ": " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException | LinkageError e) {
            built.countDown();
            // A LinkageError (a class or native library the runtime lacks) would otherwise end only the main thread,
            // leaving the process up, never ready, with its other threads running.
            log.error("{} failed to start: {}", name, e.toString(), e);
            System.exit(1);
            return;
        }
        started.set(node);
        built.countDown();
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
