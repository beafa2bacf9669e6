package dev.crawlocr.analyzer;

import dev.crawlocr.common.ops.NodeMain;

/** Runs the analyzer node: {@code java -jar analyzer-node.jar [--name=value ...]}, settings from the environment. */
public final class AnalyzerMain {
    public static void main(String[] args) {
        NodeMain.run("analyzer-node", () -> AnalyzerNode.start(System.getenv(), args));
    }

    private AnalyzerMain() {
    }
}
