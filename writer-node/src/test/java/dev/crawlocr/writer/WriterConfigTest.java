package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crawlocr.common.config.Config;
import dev.crawlocr.common.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriterConfigTest {

    @Test
    void defaultsAreUsableAndThePasswordIsHidden() {
        Config parsed = WriterConfig.DEF.parse(Map.of("DATABASE_PASSWORD", "s3cret"));
        WriterConfig c = WriterConfig.from(parsed);
        assertThat(c.databaseUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/crawlocr");
        assertThat(c.databasePassword()).isEqualTo("s3cret");
        assertThat(c.lease()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.completionInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(parsed.describe()).contains("DATABASE_PASSWORD=[hidden]").doesNotContain("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void flagsWinOverTheEnvironment() {
        WriterConfig c = WriterConfig.from(WriterConfig.DEF.parse(Map.of("WRITER_BATCH_SIZE", "10"), "--writer-batch-size=20"));
        assertThat(c.batchSize()).isEqualTo(20);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> WriterConfig.DEF.parse(Map.of("WRITER_BATCH_SIZE", "0", "WRITER_LEASE", "soon", "DATABASE_POOL_SIZE", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value 0 for WRITER_BATCH_SIZE: must be between 1 and 100000")
                .hasMessageContaining("Invalid value soon for WRITER_LEASE: expected a duration")
                .hasMessageContaining("Invalid value 1 for DATABASE_POOL_SIZE: must be between 2 and 200");
    }
}
