package dev.crawlocr.ctl;

import dev.crawlocr.localcluster.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code crawlctl cluster start|stop|status}: the local multi-process cluster. */
@Command(name = "cluster", description = "Run a local cluster without Docker: a Kafka broker process, PostgreSQL and N processes per node.",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class})
final class ClusterCommand {
    @ParentCommand
    Crawlctl root;

    @Option(names = "--dir", defaultValue = "${env:CRAWLOCR_CLUSTER_DIR:-run/cluster}", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "State directory: logs/, pids/ and the broker's data (default ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--home", defaultValue = "${env:CRAWLOCR_HOME:-.}", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The crawlocr checkout whose */target/*-node.jar are run (default: current directory)")
    Path home;

    LocalCluster cluster() {
        return new LocalCluster(dir, home);
    }

    @Command(name = "start", description = "Start the broker and the nodes; returns when every node is ready.")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;
        @Option(names = "--fetchers", defaultValue = "1", description = "Fetcher processes (default ${DEFAULT-VALUE})")
        int fetchers;
        @Option(names = "--analyzers", defaultValue = "1", description = "Analyzer processes (default ${DEFAULT-VALUE})")
        int analyzers;
        @Option(names = "--writers", defaultValue = "1", description = "Writer processes (default ${DEFAULT-VALUE})")
        int writers;
        @Option(names = "--all-in-one", description = "One JVM running a writer, a fetcher and an analyzer, instead of separate processes")
        boolean allInOne;
        @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE})")
        int kafkaPort;
        @Option(names = "--allow-network", defaultValue = "127.0.0.0/8",
                description = "Network the fetchers may reach despite the SSRF guard, for local sites (default ${DEFAULT-VALUE}; 'none' for none)")
        String allowNetwork;
        @Option(names = "--take-over", description = "Claim the database for this cluster although another Kafka cluster has it (stop that one first)")
        boolean takeOver;

        @Override
        public Integer call() {
            LocalCluster c = parent.cluster();
            Crawlctl root = parent.root;
            Map<String, String> env = Nodes.localEnv(allowNetwork);
            if (takeOver) {
                env.put("DATABASE_TAKE_OVER", "true");
            }
            c.start(new LocalCluster.Spec(fetchers, analyzers, writers, allInOne, kafkaPort, root.dbUrl, root.dbUser, root.dbPassword, env));
            System.out.println("cluster ready: Kafka at " + c.bootstrapServers() + ", logs in " + c.dir().resolve("logs"));
            printStatus(c.members());
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop every process this cluster started, and nothing else.")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Override
        public Integer call() {
            List<LocalCluster.Member> stopped = parent.cluster().stop();
            stopped.forEach(m -> System.out.println((m.alive() ? "stopped " : "already gone ") + m.name() + " (pid " + m.pid() + ")"));
            if (stopped.isEmpty()) {
                System.out.println("nothing to stop in " + parent.dir);
            }
            return 0;
        }
    }

    @Command(name = "status", description = "List the cluster's processes.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Override
        public Integer call() {
            List<LocalCluster.Member> members = parent.cluster().members();
            if (members.isEmpty()) {
                System.out.println("no cluster in " + parent.dir);
                return 1;
            }
            printStatus(members);
            return members.stream().allMatch(LocalCluster.Member::alive) ? 0 : 1;
        }
    }

    static void printStatus(List<LocalCluster.Member> members) {
        System.out.printf("%-12s %-8s %-6s %-6s %s%n", "NAME", "PID", "PORT", "STATE", "UPTIME");
        for (LocalCluster.Member m : members) {
            Duration up = Duration.between(m.started(), Instant.now());
            System.out.printf("%-12s %-8d %-6s %-6s %s%n", m.name(), m.pid(), m.opsPort() == 0 ? "-" : m.opsPort(),
                    m.alive() ? "up" : "down", m.alive() ? up.toSeconds() + "s" : "-");
        }
    }
}
