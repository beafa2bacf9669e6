package dev.crawlocr.ctl;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code crawlctl console}: the web console, until the process is stopped. */
@Command(name = "console", description = "Serve the web console: crawls, live progress, images with their OCR boxes, search, URL history.")
final class ConsoleCommand implements Callable<Integer> {
    @ParentCommand
    Crawlctl root;
    @Option(names = "--port", defaultValue = "8088", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}); any other than a loopback address needs a token")
    String bind;
    @Option(names = "--token", description = "Token every request must carry (cookie set by /?token=T, or Authorization: Bearer T);"
            + " at least 8 characters of letters, digits and ._~+/=-")
    String token;
    @Option(names = "--token-env", paramLabel = "NAME", description = "Read the token from the environment variable NAME")
    String tokenEnv;

    @Override
    public Integer call() throws Exception {
        try (ConsoleServer server = start()) {
            System.out.println("console at http://" + bind + ":" + server.port() + "/");
            System.out.flush();
            new CountDownLatch(1).await(); // serves until the process is stopped
        }
        return 0;
    }

    ConsoleServer start() {
        if (token != null && tokenEnv != null) {
            throw new UserError("Give --token or --token-env, not both");
        }
        String t = token;
        if (tokenEnv != null) {
            t = System.getenv(tokenEnv);
            if (t == null || t.isBlank()) {
                throw new UserError("The environment variable " + tokenEnv + " (--token-env) is not set");
            }
        }
        if (t != null && !t.matches("[A-Za-z0-9._~+/=-]{8,}")) {
            throw new UserError("The console's token must be at least 8 characters of letters, digits and ._~+/=- (e.g. openssl rand -hex 16)");
        }
        CrawlJobs jobs = new CrawlJobs(root.kafkaConfig());
        return new ConsoleServer(bind, port, t, root::db, jobs::stop, root.bootstrapServers, root.kafkaConfig().imageMaxBytes());
    }
}
