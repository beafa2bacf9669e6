package dev.crawlocr.fetcher.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void referencesResolveFromTheSecretsDirectoryFirstThenFromPrefixedEnvironmentVariables() throws Exception {
        Files.writeString(dir.resolve("TOKEN"), "s3cr3t-from-file\n");
        Secrets secrets = new Secrets(dir, Map.of("CRAWLOCR_SECRET_TOKEN", "from-env", "CRAWLOCR_SECRET_KEY", "k-123"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer ${secret:TOKEN}");
        headers.put("X-Key", "${secret:KEY}/${secret:KEY}");
        headers.put("X-Plain", "no secret here $1 \\ ${not:one}");
        assertThat(secrets.resolve(headers)).containsExactly(Map.entry("Authorization", "Bearer s3cr3t-from-file"),
                Map.entry("X-Key", "k-123/k-123"), Map.entry("X-Plain", "no secret here $1 \\ ${not:one}"));
    }

    @Test
    void aMissingSecretIsNamedWithWhereItWasLookedForAndNoOtherVariableIsRead() {
        Secrets secrets = new Secrets(dir, Map.of("PATH", "/usr/bin", "TOKEN", "unprefixed"));
        assertThatThrownBy(() -> secrets.resolve(Map.of("Authorization", "Bearer ${secret:TOKEN}")))
                .isInstanceOf(Secrets.MissingSecret.class)
                .hasMessageContaining("secret TOKEN is not set").hasMessageContaining("CRAWLOCR_SECRET_TOKEN")
                .hasMessageNotContaining("unprefixed");
        assertThatThrownBy(() -> secrets.resolve(Map.of("X", "${secret:PATH}"))).isInstanceOf(Secrets.MissingSecret.class);
    }

    @Test
    void aSecretWithALineBreakIsRefusedWithoutShowingIt() {
        Secrets secrets = new Secrets(dir, Map.of("CRAWLOCR_SECRET_TOKEN", "abc\r\nX-Injected: 1"));
        assertThatThrownBy(() -> secrets.resolve(Map.of("Authorization", "${secret:TOKEN}")))
                .isInstanceOf(Secrets.MissingSecret.class).hasMessageContaining("line break").hasMessageNotContaining("abc");
    }
}
