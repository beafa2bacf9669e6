package dev.crawlocr.allinone;

import dev.crawlocr.analyzer.AnalyzerNode;
import dev.crawlocr.common.ops.NodeMain;
import dev.crawlocr.fetcher.FetcherNode;
import dev.crawlocr.writer.WriterNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Runs a writer, a fetcher and an analyzer in one JVM, each with its own consumers, exactly as the separate
 * processes would. Every node reads the same environment; the ops servers listen on OPS_PORT (writer),
 * OPS_PORT+1 (fetcher) and OPS_PORT+2 (analyzer), or on free ports when OPS_PORT is 0.
 */
public final class AllInOneMain {

    public static void main(String[] args) {
        NodeMain.run("all-in-one", () -> start(System.getenv()));
    }

    /** Starts the three nodes; if one fails to start, the ones already started are closed. */
    public static NodeMain.Node start(Map<String, String> env) {
        int base = Integer.parseInt(env.getOrDefault("OPS_PORT", "8080"));
        List<Function<Map<String, String>, NodeMain.Node>> factories = List.of(WriterNode::start, FetcherNode::start, AnalyzerNode::start);
        NodeMain.Node[] nodes = new NodeMain.Node[factories.size()];
        try {
            for (int i = 0; i < nodes.length; i++) {
                Map<String, String> e = new HashMap<>(env);
                e.put("OPS_PORT", Integer.toString(base == 0 ? 0 : base + i));
                nodes[i] = factories.get(i).apply(e);
            }
        } catch (RuntimeException e) {
            closeAll(nodes);
            throw e;
        }
        return new NodeMain.Node() {
            /** Waits on one platform thread per node: blocking waits must not occupy a shared pool other work needs. */
            @Override
            public Throwable awaitFailure() throws InterruptedException {
                BlockingQueue<Optional<Throwable>> failures = new LinkedBlockingQueue<>(); // empty: a node closed
                for (NodeMain.Node n : nodes) {
                    Thread.ofPlatform().daemon().name("await-failure").start(() -> {
                        try {
                            failures.add(Optional.ofNullable(n.awaitFailure()));
                        } catch (InterruptedException ex) {
                            failures.add(Optional.of(ex));
                        }
                    });
                }
                return failures.take().orElse(null);
            }

            @Override
            public void close() {
                closeAll(nodes);
            }
        };
    }

    private static void closeAll(NodeMain.Node[] nodes) {
        for (int i = nodes.length - 1; i >= 0; i--) {
            if (nodes[i] != null) {
                nodes[i].close();
            }
        }
    }

    private AllInOneMain() {
    }
}
