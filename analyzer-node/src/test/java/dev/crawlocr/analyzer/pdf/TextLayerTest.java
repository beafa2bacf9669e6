package dev.crawlocr.analyzer.pdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which text layers are kept and which pages are OCR'd instead. */
class TextLayerTest {

    private static boolean usable(String text) {
        return new TextLayer.Page(text, List.of()).usable();
    }

    @Test
    void ordinaryTextInAnyScriptIsUsable() {
        assertThat(usable("Annual report of the harbour authority")).isTrue();
        assertThat(usable("항구 관리청 연례 보고서")).isTrue();
        assertThat(usable("Tab 1 — 42 %")).isTrue();
    }

    @Test
    void emptyOrNearlyEmptyLayersAreNot() {
        assertThat(usable("")).isFalse();
        assertThat(usable(" \n\t ")).isFalse();
        assertThat(usable("- 2 -")).as("a page number alone").isFalse();
    }

    @Test
    void garbageFromFontsWithoutAUnicodeMappingIsNot() {
        assertThat(usable("\uFFFD\uFFFD\uFFFD \uFFFD\uFFFD\uFFFD\uFFFD")).isFalse();
        assertThat(usable("\uE001\uE002\uE003\uE004 \uE005\uE006")).as("private use").isFalse();
        assertThat(usable("\u0001\u0002\u0003abc\u0004\u0005")).as("control characters").isFalse();
        assertThat(usable("Harbour report with one odd glyph \uFFFD in it")).as("one odd character in many").isTrue();
    }
}
