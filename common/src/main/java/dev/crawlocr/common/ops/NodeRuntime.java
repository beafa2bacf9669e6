package dev.crawlocr.common.ops;

import dev.crawlocr.common.kafka.PipelineConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every node runs on: its ops server, the resources it opened, its pipeline consumers and its background
 * tasks. A node declares them while it is built, then calls {@link #start()}. It is ready while every consumer is
 * ready and nothing has failed. The first failure of a consumer loop or a background task (one that throws, or
 * returns while the node is not closing) fails the node: readiness turns false and {@link #awaitFailure()} returns
 * it, so {@link NodeMain} exits and the node is restarted instead of running on without a part.
 * {@link #close()} stops the tasks and closes everything in the reverse order it was declared.
 */
public final class NodeRuntime implements NodeMain.Node {
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
    private volatile boolean closing;

    public NodeRuntime(String name, int opsPort) {
        this.name = name;
        this.ops = keep(new OpsServer(opsPort, name));
        ops.readiness(this::isReady);
    }

    public OpsServer ops() {
        return ops;
    }

    /** The node's meters (the same ones /metrics serves). */
    public MeterRegistry metrics() {
        return ops.registry();
    }

    /** Closes {@code resource} with the node, before everything kept earlier. */
    public <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Runs {@code consumer} from {@link #start()} until the node closes; its failure fails the node. */
    public PipelineConsumer consume(PipelineConsumer consumer) {
        consumers.add(consumer);
        return keep(consumer);
    }

    /** Runs {@code task} on its own thread from {@link #start()}; it is interrupted when the node closes. */
    public void run(String taskName, Task task) {
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

    /** Starts the consumers and the tasks. */
    public void start() {
        consumers.forEach(c -> c.start(failure -> fail("consumer " + c.stage(), failure)));
        tasks.forEach(Thread::start);
    }

    private void fail(String what, Throwable failure) {
        if (!closing && stopped.complete(failure)) {
            log.error("{}: {} failed; the node stops: {}", name, what, failure.toString(), failure);
        }
    }

    public boolean isReady() {
        return !stopped.isDone() && consumers.stream().allMatch(PipelineConsumer::isReady);
    }

    @Override
    public Throwable awaitFailure() throws InterruptedException {
        try {
            return stopped.get();
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("{}: error while closing {}: {}", name, resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        resources.clear();
        stopped.complete(null);
    }
}
