package dev.crawlocr.ctl;

import dev.crawlocr.localcluster.PaidApi;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crawlctl demo-api}: serves {@link PaidApi}, a mock pay-per-request API on several loopback hosts behind one
 * usage contract (a rate and a number of concurrent requests over all of them), until the process is stopped, and
 * then prints what it charged and which limits were broken. Requests need {@code Authorization: Bearer <token>}.
 */
@Command(name = "demo-api", description = "Serve a mock pay-per-request API on several hosts until stopped, then print what it charged and the contract's violations.")
final class DemoApiCommand implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.1.1,127.0.1.2,127.0.1.3", split = ",",
            description = "Addresses to serve the same API on, comma-separated (default ${DEFAULT-VALUE})")
    List<String> bind;
    @Option(names = "--port", defaultValue = "8081", description = "Port on every address, 0 for a free one on each (default ${DEFAULT-VALUE})")
    int port;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Token token;
    @Option(names = "--rate", defaultValue = "50", description = "Most requests in any second, over all addresses (default ${DEFAULT-VALUE})")
    int rate;
    @Option(names = "--connections", defaultValue = "8", description = "Most requests in progress at once, over all addresses (default ${DEFAULT-VALUE})")
    int connections;
    @Option(names = "--latency", defaultValue = "5ms", converter = CrawlCommand.DurationConverter.class,
            description = "How long every answer waits, such as 5ms or 1s (default ${DEFAULT-VALUE})")
    Duration latency;

    /** Reads environment variables; tests replace it. */
    UnaryOperator<String> env = System::getenv;

    static final class Token {
        @Option(names = "--token", required = true, description = "The bearer token requests must carry")
        String value;
        @Option(names = "--token-env", required = true, description = "Environment variable holding the token, so it is not on the command line")
        String variable;
    }

    @Override
    public Integer call() throws InterruptedException {
        PaidApi api = start(System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            System.out.println(summary(api));
            System.out.flush();
            stopped.countDown();
        }, "demo-api-stop"));
        stopped.await();
        return 0;
    }

    /** Starts serving and prints one line: the base URLs and the contract's limits. */
    PaidApi start(PrintStream out) {
        String secret = token.value;
        if (secret == null) {
            secret = env.apply(token.variable);
            if (secret == null || secret.isBlank()) {
                throw new UserError("The environment variable " + token.variable + " that --token-env names is not set or empty");
            }
        }
        List<String> addresses = bind.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (addresses.isEmpty()) {
            throw new UserError("--bind names no address");
        }
        if (rate < 1 || connections < 1 || latency.isNegative()) {
            throw new UserError("--rate and --connections must be at least 1 and --latency not negative, not " + rate + ", "
                    + connections + " and " + latency.toMillis() + "ms");
        }
        PaidApi api = PaidApi.start(addresses, port, secret, rate, connections, latency);
        out.printf("paid API on %s: at most %d requests/s and %d concurrent over all of them, %d ms per answer; "
                + "requests need 'Authorization: Bearer <token>'%n", String.join(" ", api.baseUrls()), rate, connections, latency.toMillis());
        out.flush();
        return api;
    }

    /** What the API charged and the contract's violations, as printed on stop. */
    static String summary(PaidApi api) {
        return String.format("paid API stopped: %d charged requests; violations: %d rate, %d concurrency; %d unauthenticated; %d ignored Retry-After",
                api.charged(), api.violationCount(PaidApi.Limit.RATE), api.violationCount(PaidApi.Limit.CONCURRENCY),
                api.unauthenticated(), api.ignoredRetryAfter());
    }
}
