package dev.crawlocr.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A cluster on this machine without Docker: a real Kafka broker process, the local PostgreSQL (or a given one)
 * and N processes of each node, each from its runnable jar. State lives in one directory: {@code logs/} holds
 * every process's log, {@code pids/} one file per process ("pid start-instant ops-port"), so {@link #stop} ends
 * exactly the processes this cluster started and nothing else.
 */
public final class LocalCluster {

    /** What to start. {@code allInOne} runs one JVM with a writer, a fetcher and an analyzer instead of the counts. */
    public record Spec(int fetchers, int analyzers, int writers, boolean allInOne, int kafkaPort, String dbUrl, String dbUser,
                       String dbPassword, Map<String, String> extraEnv) {
    }

    /** One started process, as recorded in its pid file. */
    public record Member(String name, long pid, Instant started, int opsPort, boolean alive) {
    }

    private final Path dir;
    private final Path home;
    private LocalKafka kafka;
    private Map<String, Path> jars = Map.of();
    private Map<String, String> nodeEnv = Map.of();

    public LocalCluster(Path dir, Path home) {
        this.dir = dir.toAbsolutePath();
        this.home = home.toAbsolutePath();
    }

    public Path dir() {
        return dir;
    }

    /** The Kafka bootstrap servers of a started cluster. */
    public String bootstrapServers() {
        try {
            return Files.readString(dir.resolve("bootstrap")).trim();
        } catch (IOException e) {
            throw new LocalClusterException("No cluster in " + dir + ": start one with 'crawlctl cluster start'");
        }
    }

    /**
     * The Kafka cluster id of this cluster directory, made once and kept across starts (the broker's data is not), so
     * the database this cluster claimed stays its own; another directory is another cluster.
     */
    private String clusterId() throws IOException {
        Path file = dir.resolve("kafka-cluster-id");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(dir);
            Files.writeString(file, LocalKafka.newClusterId());
        }
        return Files.readString(file).strip();
    }

    /**
     * Starts the broker and the nodes and returns when every node is ready.
     *
     * @throws LocalClusterException when a node jar is missing, a cluster already runs in this directory, or a node
     *                               exits or is not ready in time (what was started is stopped again)
     */
    public void start(Spec spec) {
        if (members().stream().anyMatch(Member::alive)) {
            throw new LocalClusterException("A cluster is already running in " + dir + "; stop it first with 'crawlctl cluster stop'");
        }
        Map<String, Path> jars = new LinkedHashMap<>();
        this.jars = jars;
        for (String node : spec.allInOne() ? List.of("all-in-one") : List.of("writer", "fetcher", "analyzer")) {
            Path jar = node.equals("all-in-one") ? home.resolve("all-in-one/target/all-in-one.jar") : home.resolve(node + "-node/target/" + node + "-node.jar");
            if (!Files.isRegularFile(jar)) {
                throw new LocalClusterException("Missing " + jar + ": build first with 'scripts/mvn -q package -DskipTests'");
            }
            jars.put(node, jar);
        }
        try {
            deleteRecursively(dir.resolve("kafka"));
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("pids"));
            kafka = LocalKafka.start(dir.resolve("kafka"), spec.kafkaPort(), clusterId());
            record("kafka", kafka.pid(), 0);
            Files.deleteIfExists(dir.resolve("logs/kafka.log"));
            Files.createSymbolicLink(dir.resolve("logs/kafka.log"), dir.resolve("kafka/broker.out"));
            Files.writeString(dir.resolve("bootstrap"), kafka.bootstrapServers());
            Map<String, String> env = new HashMap<>(spec.extraEnv());
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("DATABASE_URL", spec.dbUrl());
            env.put("DATABASE_USER", spec.dbUser());
            env.put("DATABASE_PASSWORD", spec.dbPassword());
            env.put("OMP_THREAD_LIMIT", "1");
            nodeEnv = Map.copyOf(env);
            List<Member> started = new ArrayList<>();
            if (spec.allInOne()) {
                started.addAll(launch("all-in-one", 1, jars.get("all-in-one"), env));
            } else {
                started.addAll(launch("writer", spec.writers(), jars.get("writer"), env));
                started.addAll(launch("fetcher", spec.fetchers(), jars.get("fetcher"), env));
                started.addAll(launch("analyzer", spec.analyzers(), jars.get("analyzer"), env));
            }
            for (Member m : started) {
                awaitReady(m, Duration.ofSeconds(120));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /**
     * Starts {@code count} more processes of a node ("fetcher", "analyzer" or "writer") with the environment of
     * {@link #start} and waits until they are ready. Only on the instance that started the cluster.
     */
    public List<Member> add(String node, int count) {
        Path jar = jars.get(node);
        if (jar == null) {
            throw new IllegalStateException("add() needs a cluster started by this instance with separate " + node + " processes");
        }
        try {
            List<Member> added = launch(node, count, jar, nodeEnv);
            added.forEach(m -> awaitReady(m, Duration.ofSeconds(120)));
            return added;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker process this instance started (for stop and restart), or null. */
    public LocalKafka kafka() {
        return kafka;
    }

    /** Starts {@code count} more processes of a node, named node-N with the lowest N no recorded process has. */
    public List<Member> launch(String node, int count, Path jar, Map<String, String> env) throws IOException {
        List<Member> out = new ArrayList<>();
        java.util.Set<String> taken = new java.util.HashSet<>();
        members().forEach(m -> taken.add(m.name()));
        for (int i = 0; i < count; i++) {
            int n = 1;
            while (taken.contains(node + "-" + n)) {
                n++; // never reuse the name, and so the pid file, of a process still recorded
            }
            String name = node + "-" + n;
            taken.add(name);
            int port = Ports.free();
            List<String> cmd = new ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED", "-Xmx" + (node.equals("writer") || node.equals("fetcher") ? "768m" : "1536m"), "-XX:+UseSerialGC",
                    "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("logs/" + name + ".log").toFile()));
            pb.environment().putAll(env);
            pb.environment().put("OPS_PORT", Integer.toString(port));
            pb.environment().put("NODE_ID", name);
            pb.environment().put("ANALYZER_STATE_DIR", dir.resolve("state/" + name).toString());
            Process p = pb.start();
            record(name, p.pid(), port);
            out.add(new Member(name, p.pid(), p.info().startInstant().orElse(Instant.EPOCH), port, true));
        }
        return out;
    }

    /** Waits until the member's /health/ready answers 200. */
    public void awaitReady(Member m, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(m.pid()).map(ProcessHandle::isAlive).orElse(false) == false) {
                throw new LocalClusterException(m.name() + " exited during start-up" + startupProblems(m) + "; see " + dir.resolve("logs/" + m.name() + ".log"));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.opsPort() + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalClusterException("Interrupted while waiting for " + m.name());
            }
            ProcessHandle.of(m.pid()).ifPresent(ph -> ph.onExit().completeOnTimeout(ph, 250, java.util.concurrent.TimeUnit.MILLISECONDS).join());
        }
        throw new LocalClusterException(m.name() + " not ready after " + timeout.toSeconds() + " s; see " + dir.resolve("logs/" + m.name() + ".log"));
    }

    /** The problems a node listed when it refused to start (its "  - " lines), or "" when it listed none. */
    private String startupProblems(Member m) {
        try (Stream<String> lines = Files.lines(dir.resolve("logs/" + m.name() + ".log"))) {
            List<String> problems = lines.filter(l -> l.startsWith("  - ")).map(l -> l.substring(4)).toList();
            return problems.isEmpty() ? "" : ": " + String.join("; ", problems);
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** Every recorded process; {@code alive} is true only if the pid still runs the process recorded (same start time). */
    public List<Member> members() {
        Path pids = dir.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pids)) {
            return files.filter(f -> f.toString().endsWith(".pid")).sorted().map(this::read).flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends one recorded process: SIGTERM, then SIGKILL after 30 s. {@code kill9} sends SIGKILL at once. */
    public void end(Member m, boolean kill9) {
        if (m.alive()) {
            ProcessHandle.of(m.pid()).ifPresent(ph -> {
                if (kill9) {
                    ph.destroyForcibly();
                } else {
                    ph.destroy();
                }
                try {
                    ph.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    ph.destroyForcibly();
                }
            });
        }
        try {
            Files.deleteIfExists(dir.resolve("pids/" + m.name() + ".pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the nodes, then the broker (also a broker this instance restarted). Returns what it stopped. */
    public List<Member> stop() {
        List<Member> all = members();
        all.stream().filter(m -> !m.name().equals("kafka")).parallel().forEach(m -> end(m, false));
        all.stream().filter(m -> m.name().equals("kafka")).forEach(m -> end(m, false));
        if (kafka != null) {
            kafka.stop();
        }
        return all;
    }

    private Optional<Member> read(Path file) {
        try {
            String[] f = Files.readString(file).trim().split(" ");
            long pid = Long.parseLong(f[0]);
            Instant started = Instant.parse(f[1]);
            String name = file.getFileName().toString().replace(".pid", "");
            boolean alive = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .flatMap(ph -> ph.info().startInstant()).map(s -> Math.abs(s.toEpochMilli() - started.toEpochMilli()) < 2000).orElse(false);
            return Optional.of(new Member(name, pid, started, Integer.parseInt(f[2]), alive));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void record(String name, long pid, int port) throws IOException {
        Instant started = ProcessHandle.of(pid).flatMap(ph -> ph.info().startInstant()).orElse(Instant.now());
        Files.writeString(dir.resolve("pids/" + name + ".pid"), pid + " " + started + " " + port + "\n");
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }


    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
