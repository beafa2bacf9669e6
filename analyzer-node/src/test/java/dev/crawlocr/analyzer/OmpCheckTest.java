package dev.crawlocr.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OmpCheckTest {
    @Test
    void warns_when_the_openmp_limit_is_missing_or_not_one() {
        assertThat(OmpCheck.warnIfUnlimited(Map.of())).startsWith("OMP_THREAD_LIMIT is not set: set OMP_THREAD_LIMIT=1");
        assertThat(OmpCheck.warnIfUnlimited(Map.of("OMP_THREAD_LIMIT", "4"))).startsWith("OMP_THREAD_LIMIT is '4'");
        assertThat(OmpCheck.warnIfUnlimited(Map.of("OMP_THREAD_LIMIT", "1"))).isNull();
    }
}
