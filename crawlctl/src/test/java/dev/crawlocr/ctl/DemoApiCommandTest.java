package dev.crawlocr.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crawlocr.localcluster.PaidApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoApiCommandTest {

    @Test
    void servesTheApiOnEveryDefaultAddressWithTheTokenFromTheEnvironmentAndSaysWhereAndItsLimits() throws Exception {
        DemoApiCommand command = new DemoApiCommand();
        new CommandLine(command).parseArgs("--port", "0", "--token-env", "PAID_API_TOKEN", "--rate", "7", "--connections", "3");
        command.env = Map.of("PAID_API_TOKEN", "t0ken")::get;
        assertThat(command.bind).containsExactly("127.0.1.1", "127.0.1.2", "127.0.1.3");
        assertThat(command.latency).isEqualTo(Duration.ofMillis(5));

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PaidApi api = command.start(new PrintStream(printed, true, StandardCharsets.UTF_8)); HttpClient http = HttpClient.newHttpClient()) {
            String line = printed.toString(StandardCharsets.UTF_8);
            assertThat(line).endsWith("\n").hasLineCount(1)
                    .contains(api.baseUrls().get(0), api.baseUrls().get(1), api.baseUrls().get(2))
                    .contains("at most 7 requests/s and 3 concurrent", "5 ms per answer");
            assertThat(api.baseUrls()).extracting(u -> u.substring(0, u.lastIndexOf(':')))
                    .containsExactly("http://127.0.1.1", "http://127.0.1.2", "http://127.0.1.3");

            HttpResponse<String> item = http.send(HttpRequest.newBuilder(URI.create(api.baseUrls().get(1) + "/items/4"))
                    .header("Authorization", "Bearer t0ken").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(item.statusCode()).isEqualTo(200);
            assertThat(item.body()).contains("\"name\": \"item-4\"");
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(api.baseUrls().get(2) + "/items/4")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);

            assertThat(DemoApiCommand.summary(api)).isEqualTo(
                    "paid API stopped: 2 charged requests; violations: 0 rate, 0 concurrency; 1 unauthenticated; 0 ignored Retry-After");
        }
    }

    @Test
    void takesTheTokenFromTheCommandLineOrTheEnvironmentButNotBothAndNamesAMissingVariable() {
        DemoApiCommand defaults = new DemoApiCommand();
        new CommandLine(defaults).parseArgs("--token", "abc");
        assertThat(defaults.token.value).isEqualTo("abc");
        assertThat(defaults.port).isEqualTo(8081);
        assertThat(defaults.rate).isEqualTo(50);
        assertThat(defaults.connections).isEqualTo(8);

        assertThatThrownBy(() -> new CommandLine(new DemoApiCommand()).parseArgs("--port", "0"))
                .isInstanceOf(CommandLine.MissingParameterException.class).hasMessageContaining("--token");
        assertThatThrownBy(() -> new CommandLine(new DemoApiCommand()).parseArgs("--token", "a", "--token-env", "B"))
                .isInstanceOf(CommandLine.MutuallyExclusiveArgsException.class);

        DemoApiCommand unset = new DemoApiCommand();
        new CommandLine(unset).parseArgs("--port", "0", "--token-env", "NO_SUCH_TOKEN_VARIABLE", "--latency", "1s");
        unset.env = name -> null;
        assertThat(unset.latency).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> unset.start(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isInstanceOf(UserError.class).hasMessageContaining("NO_SUCH_TOKEN_VARIABLE");
    }
}
