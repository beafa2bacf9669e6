package dev.crawlocr.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    @Test
    void theDroppedLineNamesEachGuardInAFixedOrderWithThousandsSeparators() {
        assertThat(StatusCommand.droppedLine(Map.of("host", 250L, "trap", 12L, "outlink-cap", 2000L, "depth", 40L, "exclude", 10L,
                "nofollow", 3L, StatusCommand.ROBOTS, 1234L, "invalid", 7L)))
                .isEqualTo("  dropped  2,000 links by the per-page link cap, 12 by the trap guard, 300 out of scope, 3 on nofollow pages, "
                        + "1,234 disallowed by robots.txt\n");
    }

    @Test
    void theDroppedLineIsLeftOutWhenNothingWasDropped() {
        assertThat(StatusCommand.droppedLine(Map.of())).isEmpty();
        assertThat(StatusCommand.droppedLine(Map.of(StatusCommand.ROBOTS, 0L, "invalid", 4L))).isEmpty();
        assertThat(StatusCommand.droppedLine(Map.of(StatusCommand.ROBOTS, 1L))).isEqualTo("  dropped  1 link disallowed by robots.txt\n");
    }
}
