package dev.crawlocr.ctl;

import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.ClusterClaim;
import dev.crawlocr.localcluster.LocalClusterException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crawlctl}: starts and stops crawls, shows status, tails topics, searches text, runs a local cluster. */
@Command(name = "crawlctl", mixinStandardHelpOptions = true, version = "crawlctl 0.1.0",
        description = "Control the crawlocr pipeline: crawls, status, topics, search and a local cluster.",
        subcommands = {CrawlCommand.class, StatusCommand.class, TailCommand.class, SearchCommand.class, UrlCommand.class, ExportCommand.class, ConsoleCommand.class,
                ClusterCommand.class, DemoCommand.class, DemoSiteCommand.class, DemoApiCommand.class, CommandLine.HelpCommand.class})
public final class Crawlctl {
    /** The database role crawlctl and the console read as; the writer's migration V11 creates it. */
    static final String READER_ROLE = "crawlocr_reader";

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE})", scope = CommandLine.ScopeType.INHERIT)
    String bootstrapServers;

    @Option(names = "--db-url", defaultValue = "${env:DATABASE_URL:-jdbc:postgresql://127.0.0.1:5432/crawlocr}",
            description = "PostgreSQL JDBC URL, read-only use (env DATABASE_URL; default ${DEFAULT-VALUE})", scope = CommandLine.ScopeType.INHERIT)
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:DATABASE_USER:-crawlocr}", description = "PostgreSQL user (env DATABASE_USER)",
            scope = CommandLine.ScopeType.INHERIT)
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:DATABASE_PASSWORD:-crawlocr}", description = "PostgreSQL password (env DATABASE_PASSWORD)",
            scope = CommandLine.ScopeType.INHERIT)
    String dbPassword;

    CommonConfig kafkaConfig() {
        return new CommonConfig(bootstrapServers, true, 24, 10 << 20, 0, "crawlctl");
    }

    /**
     * A connection to the writer's database that reads as {@link #READER_ROLE}, which may read every table and write
     * none, in read-only transactions.
     */
    Connection db() {
        Connection c = connect();
        try (Statement st = c.createStatement()) {
            st.execute("SET ROLE " + READER_ROLE);
            c.setReadOnly(true);
            return c;
        } catch (SQLException e) {
            close(c);
            throw new UserError("Cannot read " + dbUrl + " as the role " + READER_ROLE + ": " + e.getMessage() + ". The writer creates"
                    + " the role when it migrates the database, if its user may create roles; otherwise an administrator runs"
                    + " 'CREATE ROLE " + READER_ROLE + " NOLOGIN', starts the writer, and runs 'GRANT " + READER_ROLE + " TO " + dbUser + "'", e);
        }
    }

    /** A connection to the database server as --db-user, for what must work before the writer has migrated. */
    Connection connect() {
        try {
            return DriverManager.getConnection(dbUrl, dbUser, dbPassword);
        } catch (SQLException e) {
            throw new UserError("Cannot connect to PostgreSQL at " + dbUrl + " as " + dbUser + ": " + e.getMessage()
                    + " (start it, or pass --db-url/--db-user/--db-password)", e);
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is given up either way
        }
    }

    /**
     * Refuses to go on when the database belongs to another Kafka cluster than the broker's: a crawl started on this
     * broker would never run, and status would mix two deployments. Skipped when the database cannot be reached,
     * so commands that need only Kafka still work without it.
     */
    void checkSameCluster(Admin admin) {
        Connection c;
        try {
            c = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
        } catch (SQLException e) {
            return;
        }
        try (c) {
            ClusterClaim.verify(c, ClusterClaim.clusterId(admin), dbUrl, bootstrapServers,
                    "'crawlctl cluster start --take-over' (DATABASE_TAKE_OVER=true for a writer)");
        } catch (ClusterClaim.MismatchException e) {
            throw new UserError(e.getMessage() + ". Or point crawlctl at the matching --bootstrap-servers and --db-url.");
        } catch (SQLException e) {
            throw new UserError("Cannot read which Kafka cluster the database " + dbUrl + " belongs to: " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "crawlctl-logback.xml");
        }
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Crawlctl());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = e;
            while (!isUserError(t) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            if (isUserError(t)) {
                cmd.getErr().println("crawlctl: " + t.getMessage());
            } else {
                cmd.getErr().println("crawlctl: " + e);
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    /**
     * Starts {@code crawlctl console} as the command line {@code args} (the console's and the global options) sets it
     * up, without blocking; the caller closes it.
     */
    public static ConsoleServer console(String... args) {
        CommandLine cl = new CommandLine(new Crawlctl());
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        if (!parsed.hasSubcommand() || !(parsed.subcommand().commandSpec().userObject() instanceof ConsoleCommand console)) {
            throw new UserError("Not a console command line: " + String.join(" ", args));
        }
        return console.start();
    }

    /** A failure the user can fix, shown as its message alone: crawlctl's own, or the local cluster's. */
    private static boolean isUserError(Throwable t) {
        return t instanceof UserError || t instanceof LocalClusterException;
    }
}
