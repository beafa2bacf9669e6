package dev.crawlocr.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) run as a child OS process from
 * the Kafka jars on this JVM's class path. It can be stopped, killed and restarted on the same data and port,
 * which the fault tests need. {@link #main} runs one in the foreground for the local cluster.
 */
public final class LocalKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final String classPath;
    private Process process;

    private LocalKafka(Path dir, int port, int controllerPort, String classPath) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.classPath = classPath;
    }

    /** Formats a new data directory under {@code dir} and starts the broker on {@code port} (0 picks a free one). */
    public static LocalKafka start(Path dir, int port) {
        return start(dir, port, newClusterId());
    }

    /**
     * Formats a data directory under {@code dir} for the cluster {@code clusterId} (a directory formatted before
     * keeps its id) and starts the broker on {@code port} (0 picks a free one).
     */
    public static LocalKafka start(Path dir, int port, String clusterId) {
        try {
            Files.createDirectories(dir);
            int p = port == 0 ? Ports.free() : port;
            LocalKafka kafka = new LocalKafka(dir, p, Ports.free(), classPath());
            kafka.format(clusterId);
            kafka.startProcess();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka data directory " + dir, e);
        }
    }

    /**
     * The class path the broker runs from: this JVM's, or under {@code mvn exec:java} (where the JVM's class path is
     * Maven's launcher and the project's jars are in the context class loader) the context class loader's.
     */
    private static String classPath() {
        String own = System.getProperty("java.class.path", "");
        if (!own.contains("kafka") && Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader) {
            StringBuilder cp = new StringBuilder();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    cp.append(cp.isEmpty() ? "" : java.io.File.pathSeparator).append(Path.of(url.toURI()));
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    // not a file URL; the broker does not need it
                }
            }
            return cp.toString();
        }
        return own;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** A new random Kafka cluster id. */
    public static String newClusterId() {
        String id;
        do {
            id = Uuid.randomUuid().toString();
        } while (id.startsWith("-")); // the format tool would read it as a flag
        return id;
    }

    private void format(String clusterId) throws IOException {
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=8",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "message.max.bytes=" + (64 << 20),
                "log.retention.hours=168",
                "log.segment.bytes=" + (256 << 20),
                ""));
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level %%logger{24} - %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(dir.resolve("broker.log")));
        int rc = run(List.of("kafka.tools.StorageTool", "format", "--config", props.toString(), "--cluster-id", clusterId, "--ignore-formatted"));
        if (rc != 0) {
            throw new IllegalStateException("Formatting Kafka storage failed (exit " + rc + "); see " + dir.resolve("format.log"));
        }
    }

    private int run(List<String> mainAndArgs) throws IOException {
        Process p = new ProcessBuilder(command(mainAndArgs)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("format.log").toFile()).start();
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }

    private List<String> command(List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xms256m");
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.addAll(mainAndArgs);
        return cmd;
    }

    private void startProcess() throws IOException {
        process = new ProcessBuilder(command(List.of("kafka.Kafka", dir.resolve("server.properties").toString())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()))
                .start();
        awaitReady(Duration.ofMinutes(2));
        log.info("Kafka broker (pid {}) ready at {}", process.pid(), bootstrapServers());
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited with " + process.exitValue() + "; see " + dir.resolve("broker.out"));
                }
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("Interrupted waiting for Kafka", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker not ready after " + timeout + "; see " + dir.resolve("broker.out"));
                }
            }
        }
    }

    /** Stops the broker cleanly (SIGTERM) and waits for it. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the broker again on the same data directory and port. */
    public void restart() {
        stop();
        try {
            startProcess();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }



    /** Runs a broker in the foreground: {@code LocalKafka <dir> <port>}. Stops on SIGTERM. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LocalKafka <data-dir> <port>");
            System.exit(2);
        }
        LocalKafka kafka = start(Path.of(args[0]), Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop));
        System.out.println("Kafka ready at " + kafka.bootstrapServers());
        kafka.process.waitFor();
    }
}
