package dev.crawlocr.writer;

import dev.crawlocr.common.ops.NodeMain;

/** Runs the writer node: {@code java -jar writer-node.jar [--database-url=...]}; see {@link WriterConfig} for keys. */
public final class WriterMain {
    public static void main(String[] args) {
        NodeMain.run("writer-node", () -> WriterNode.start(System.getenv(), args));
    }

    private WriterMain() {
    }
}
