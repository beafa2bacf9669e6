package dev.crawlocr.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CerTest {
    @Test
    void a_line_missing_from_the_text_read_is_dropped() {
        assertThat(Cer.droppedLines("harbor market 2024\nsilver window", "harbor market 2024")).containsExactly("silver window");
    }

    @Test
    void merged_words_misread_letters_and_reordered_lines_still_count_as_read() {
        assertThat(Cer.droppedLines("회의 예약 배송\nsilver window", "silver wlndow\n회의 예약배송")).isEmpty();
    }

    @Test
    void the_best_match_is_found_anywhere_in_the_text() {
        assertThat(Cer.bestMatchErrors("window", "the windaw is open")).isEqualTo(1);
    }
}
