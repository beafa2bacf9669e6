package dev.crawlocr.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeMainTest {

    /** A node whose start has left a non-daemon thread running when a class it needs turns out to be missing. */
    public static final class MissingClassNode {
        public static void main(String[] args) {
            NodeMain.run("test-node", () -> {
                CountDownLatch never = new CountDownLatch(1);
                Thread worker = new Thread(() -> {
                    try {
                        never.await(); // runs until the process ends
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "started-part");
                worker.start();
                throw new NoClassDefFoundError("jdk/net/Sockets");
            });
        }
    }

    /** A node that says how many virtual-thread carriers it starts with, then refuses its configuration. */
    public static final class CarriersNode {
        public static void main(String[] args) {
            NodeMain.run("test-node", () -> {
                System.out.println("carriers=" + System.getProperty(NodeMain.CARRIERS));
                throw new ConfigException(List.of("nothing to run"));
            });
        }
    }

    /**
     * A node whose start says it has begun, then takes until a file appears; closing it says so. The test sends
     * SIGTERM while it starts, then lets the start end.
     */
    public static final class SlowStartNode {
        public static void main(String[] args) {
            NodeMain.run("test-node", () -> {
                System.out.println("starting");
                System.out.flush();
                Path go = Path.of(args[0]);
                while (!Files.exists(go)) {
                    Thread.onSpinWait();
                }
                return new NodeMain.Node() {
                    @Override
                    public Throwable awaitFailure() throws InterruptedException {
                        new CountDownLatch(1).await();
                        return null;
                    }

                    @Override
                    public void close() {
                        System.out.println("closed");
                        System.out.flush();
                    }
                };
            });
        }
    }

    /** A SIGTERM during the start does not end the JVM under the parts already started: the node is closed once built. */
    @Test
    void aNodeTerminatedWhileStartingIsClosedOnceItHasStarted(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("slow.log");
        Path go = dir.resolve("go");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SlowStartNode.class.getName(), go.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(60, TimeUnit.SECONDS).until(() -> Files.readString(log).contains("starting"));
        p.destroy(); // SIGTERM
        await().atMost(30, TimeUnit.SECONDS).until(() -> Files.readString(log).contains("shutting down"));
        assertThat(p.isAlive()).as("waits for the start to end").isTrue();
        Files.createFile(go);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("test-node shutting down").contains("closed")
                .doesNotContain("Shutdown in progress");
    }

    @Test
    void virtualThreadsGetSeveralCarriersPerCoreUnlessTheCommandLineSaysOtherwise(@TempDir Path dir) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(runCarriersNode(dir)).contains("carriers=" + NodeMain.CARRIERS_PER_CORE * cores);
        assertThat(runCarriersNode(dir, "-D" + NodeMain.CARRIERS + "=3")).contains("carriers=3");
    }

    private static String runCarriersNode(Path dir, String... jvmOptions) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CarriersNode.class.getName()));
        Path log = dir.resolve("carriers.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Test
    void aNodeThatCannotLinkAClassWhileStartingExitsWithStatusOneInsteadOfHanging(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("node.log");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), MissingClassNode.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exited).as("exited; output:%n%s", output).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(output).contains("test-node failed to start", "NoClassDefFoundError", "jdk/net/Sockets");
    }
}
