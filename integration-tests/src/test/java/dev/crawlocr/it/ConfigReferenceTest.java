package dev.crawlocr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.analyzer.AnalyzerConfig;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.config.ConfigDef;
import dev.crawlocr.fetcher.FetcherConfig;
import dev.crawlocr.writer.WriterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the nodes' config definitions, so it cannot drift from the code.
 * Regenerate with {@code scripts/mvn -pl integration-tests test -Dtest=ConfigReferenceTest -Dconfig.docs.write=true}.
 */
class ConfigReferenceTest {
    static final Path DOC = Path.of(System.getProperty("crawlocr.home", "..")).resolve("docs/configuration.md");

    @Test
    void configurationReferenceMatchesTheCode() throws Exception {
        String generated = generate();
        if (Boolean.getBoolean("config.docs.write")) {
            Files.writeString(DOC, generated);
        }
        assertThat(Files.readString(DOC)).as("docs/configuration.md is stale; regenerate it (see this test's javadoc)").isEqualTo(generated);
    }

    static String generate() {
        Map<String, ConfigDef> defs = new LinkedHashMap<>();
        defs.put("Every node", CommonConfig.DEF);
        defs.put("fetcher-node", FetcherConfig.DEF);
        defs.put("analyzer-node", AnalyzerConfig.DEF);
        defs.put("writer-node", WriterConfig.DEF);
        Set<String> shared = CommonConfig.DEF.fields().stream().map(ConfigDef.Field::name).collect(Collectors.toSet());
        StringBuilder b = new StringBuilder("""
                # Configuration reference

                Every node reads its settings from environment variables, or from flags with the same name in lower case
                with dashes (`FETCHER_MAX_INFLIGHT=300` or `--fetcher-max-inflight=300`; flags win). Every problem is
                reported at once and the node refuses to start; the effective configuration is logged once at start,
                with passwords shown as `[hidden]`. Kafka client properties can be added with `KAFKA_PRODUCER_*` and
                `KAFKA_CONSUMER_*` variables (`KAFKA_CONSUMER_SESSION_TIMEOUT_MS=10000` sets `session.timeout.ms`).

                Durations: `500ms`, `5s`, `2m`, `1h`. Sizes: `512KB`, `10MB`. Lists: comma-separated.

                This file is generated from the code by `ConfigReferenceTest`.
                """);
        defs.forEach((title, def) -> {
            b.append("\n## ").append(title).append("\n\n| variable | type | default | meaning |\n|---|---|---|---|\n");
            def.fields().stream().filter(f -> title.equals("Every node") || !shared.contains(f.name())).forEach(f -> b.append("| `")
                    .append(f.name()).append("` | ").append(f.type().name().toLowerCase()).append(" | ")
                    .append(f.defaultValue() == null ? "(required)" : f.name().equals("NODE_ID") ? "host name and pid" : f.defaultValue().isEmpty() ? "(empty)" : "`" + f.defaultValue() + "`")
                    .append(" | ").append(f.doc().replace("|", "\\|")).append(f.checkDoc() == null ? "" : " (" + f.checkDoc().replace("|", "\\|") + ")")
                    .append(" |\n"));
        });
        return b.toString();
    }
}
