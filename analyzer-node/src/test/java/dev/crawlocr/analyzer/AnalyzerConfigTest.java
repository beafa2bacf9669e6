package dev.crawlocr.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crawlocr.common.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyzerConfigTest {

    @Test
    void defaults_use_one_worker_per_core_and_english_lstm() {
        AnalyzerConfig c = AnalyzerConfig.from(AnalyzerConfig.DEF.parse(Map.of()));
        assertThat(c.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.queueCapacity()).isEqualTo(2 * c.workers());
        assertThat(c.languages()).isEqualTo("eng");
        assertThat(c.pageSegMode()).isEqualTo(6);
        assertThat(c.engineMode()).isEqualTo(1);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.memoryBudget()).isGreaterThan(Runtime.getRuntime().maxMemory());
    }

    @Test
    void flags_override_the_environment() {
        AnalyzerConfig c = AnalyzerConfig.from(AnalyzerConfig.DEF.parse(Map.of("ANALYZER_WORKERS", "3", "OCR_LANGUAGES", "kor"), "--ocr-languages=eng+kor"));
        assertThat(c.workers()).isEqualTo(3);
        assertThat(c.queueCapacity()).isEqualTo(6);
        assertThat(c.languages()).isEqualTo("eng+kor");
    }

    @Test
    void every_invalid_value_is_reported_by_name() {
        assertThatThrownBy(() -> AnalyzerConfig.from(AnalyzerConfig.DEF.parse(Map.of("OCR_PSM", "14", "ANALYZER_WORKERS", "-1", "OCR_TIMEOUT", "soon"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value 14 for OCR_PSM: must be between 0 and 13")
                .hasMessageContaining("Invalid value -1 for ANALYZER_WORKERS")
                .hasMessageContaining("Invalid value soon for OCR_TIMEOUT");
    }
}
