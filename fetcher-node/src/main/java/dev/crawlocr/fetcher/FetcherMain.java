package dev.crawlocr.fetcher;

import dev.crawlocr.common.ops.NodeMain;

/** Runs a fetcher node: {@code java -jar fetcher-node.jar [--fetcher-max-inflight=300 ...]}; settings from the environment. */
public final class FetcherMain {
    public static void main(String[] args) {
        NodeMain.run("fetcher-node", () -> FetcherNode.start(System.getenv(), args));
    }

    private FetcherMain() {
    }
}
