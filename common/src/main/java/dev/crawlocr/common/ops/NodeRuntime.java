package dev.crawlocr.common.ops;

import dev.crawlocr.common.Retries;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.failsafe.function.CheckedSupplier;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every node is built on (each node class extends it): its ops server, the resources it opened, its pipeline
 * consumers and its background tasks. A node declares them while it is built, then calls {@link #launch()}. It is
 * ready while every consumer is ready and nothing has failed. The first failure of a consumer loop or a background task (one that throws, or
 * returns while the node is not closing) fails the node: readiness turns false and {@link #awaitFailure()} returns
 * it, so {@link NodeMain} exits and the node is restarted instead of running on without a part.
 * {@link #close()} stops the tasks and closes everything in the reverse order it was declared.
 */
public class NodeRuntime implements NodeMain.Node {
    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

    /** A loop that runs until its thread is interrupted. */
    public interface Task {
        void run() throws Exception;
    }

    private final String name;
    private final OpsServer ops;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<PipelineConsumer> consumers = new ArrayList<>();
    private final List<Thread> tasks = new ArrayList<>();
    /** Completes with the first failure, or with null when the node is closed. */
    private final CompletableFuture<Throwable> stopped = new CompletableFuture<>();
    private volatile boolean launched;
    private volatile boolean closing;

    /** Starts the ops server (on {@code opsPort}, 0 for any free port); nothing else runs before {@link #launch()}. */
    public NodeRuntime(String name, int opsPort) {
        this.name = name;
        this.ops = keep(new OpsServer(opsPort, name));
        ops.readiness(this::isReady);
    }

    public final OpsServer ops() {
        return ops;
    }

    /** The node's meters (the same ones /metrics serves). */
    public final MeterRegistry metrics() {
        return ops.registry();
    }

    /** Closes {@code resource} with the node, before everything kept earlier. */
    protected final <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Runs {@code consumer} from {@link #launch()} until the node closes; its failure fails the node. */
    protected final PipelineConsumer consume(PipelineConsumer consumer) {
        consumers.add(consumer);
        return keep(consumer);
    }

    /** Runs {@code task} on its own thread from {@link #launch()}; it is interrupted when the node closes. */
    protected final void run(String taskName, Task task) {
        Thread thread = Thread.ofPlatform().name(taskName).unstarted(() -> {
            try {
                task.run();
                if (!closing) {
                    fail(taskName, new IllegalStateException(taskName + " returned while the node runs"));
                }
            } catch (InterruptedException e) {
                if (!closing) {
                    fail(taskName, e);
                }
            } catch (Throwable t) {
                fail(taskName, t);
            }
        });
        tasks.add(thread);
        keep(() -> {
            thread.interrupt();
            thread.join(10_000);
        });
    }

    /**
     * Waits while a dependency is not there yet: {@code work} is tried again with back-off (up to every 15 s) while it
     * fails in a way {@code notYet} accepts; the node is live and not ready meanwhile. Any other failure is thrown.
     */
    protected final <T> T await(String what, Predicate<Throwable> notYet, CheckedSupplier<T> work) {
        try {
            return Retries.untilDone(what, Duration.ofSeconds(1), Duration.ofSeconds(15), notYet, work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Stopped waiting: " + what + ": " + e, e);
        }
    }

    /** Creates the pipeline's missing topics, waiting for the broker if it does not answer yet. */
    protected final void ensureTopics(CommonConfig common) {
        await("Reaching Kafka at " + common.bootstrapServers(), TopicAdmin::unreachable, () -> {
            TopicAdmin.ensureTopics(common);
            return null;
        });
    }

    /** Starts the consumers and the tasks. */
    protected final void launch() {
        consumers.forEach(c -> c.start(failure -> fail("consumer " + c.stage(), failure)));
        tasks.forEach(Thread::start);
        launched = true;
    }

    private void fail(String what, Throwable failure) {
        if (!closing && stopped.complete(failure)) {
            log.error("{}: {} failed; the node stops: {}", name, what, failure.toString(), failure);
        }
    }

    /** Launched, every consumer has its partitions, and nothing has failed; never while the node is still being built. */
    public final boolean isReady() {
        return launched && !stopped.isDone() && consumers.stream().allMatch(PipelineConsumer::isReady);
    }

    @Override
    public final Throwable awaitFailure() throws InterruptedException {
        try {
            return stopped.get();
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Stops the tasks and closes what the node kept, the last kept first. */
    @Override
    public final void close() {
        if (closing) {
            return;
        }
        closing = true;
        log.info("{} stopping", name);
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("{}: error while closing {}: {}", name, resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        resources.clear();
        stopped.complete(null);
        log.info("{} stopped", name);
    }
}
