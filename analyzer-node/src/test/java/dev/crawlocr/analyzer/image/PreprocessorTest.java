package dev.crawlocr.analyzer.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.analyzer.TestImages;
import dev.crawlocr.devkit.TextImages;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
    private final Preprocessor preprocessor = new Preprocessor(22, 32, 4, 16_000_000);
    private final ImageDecoder decoder = new ImageDecoder(10 << 20, 40_000_000);

    @Test
    void small_text_is_upscaled_by_a_whole_factor_and_large_text_is_left_alone() {
        PreparedImage small = preprocessor.prepare(rendered(List.of("small print"), "DejaVu Sans", 12, false), false);
        PreparedImage korean = preprocessor.prepare(rendered(List.of("서울 날씨 안내"), "NanumGothic", 18, false), true);
        PreparedImage medium = preprocessor.prepare(rendered(List.of("medium print"), "DejaVu Sans", 20, false), false);
        PreparedImage large = preprocessor.prepare(rendered(List.of("headline"), "DejaVu Sans", 32, false), false);
        assertThat(small.scale()).isEqualTo(2.0);
        assertThat(korean.scale()).isEqualTo(2.0);
        assertThat(medium.scale()).isEqualTo(1.0);
        assertThat(large.scale()).isEqualTo(1.0);
    }

    @Test
    void margins_are_cut_a_white_border_added_and_coordinates_map_back_to_the_original() {
        BufferedImage src = TextImages.render(List.of("small print"), "DejaVu Sans", 12, false);
        PreparedImage p = preprocessor.prepare(new DecodedImage(src, "png"), false);
        assertThat(p.cropX()).isPositive().isLessThan(12); // TextImages leaves one em left of the text
        assertThat(p.cropY()).isNotNegative();
        assertThat(p.width() - 2 * p.border()).isEven().isLessThan(2 * (src.getWidth() - p.cropX()));
        for (int x = 0; x < p.width(); x++) {
            assertThat(p.gray()[x] & 0xff).isEqualTo(255);
        }
        assertThat(p.toOriginalX(p.border() + 40)).isEqualTo(p.cropX() + 20);
        assertThat(p.toOriginalY(p.border())).isEqualTo(p.cropY());
    }

    @Test
    void light_text_on_a_dark_background_becomes_dark_on_light() {
        PreparedImage p = preprocessor.prepare(rendered(List.of("night mode"), "DejaVu Sans", 32, true), false);
        assertThat(meanGray(p)).isGreaterThan(200);
    }

    @Test
    void transparency_is_composited_onto_white_not_black() {
        PreparedImage p = preprocessor.prepare(decoder.decode(TestImages.transparentPng()), false);
        assertThat(meanGray(p)).isGreaterThan(200);
        assertThat(darkPixels(p)).isGreaterThan(100);
    }

    @Test
    void the_scaled_image_stays_within_the_pixel_budget() {
        Preprocessor tight = new Preprocessor(22, 32, 4, 200_000);
        BufferedImage src = TextImages.render(List.of("a long line of small text ".repeat(8)), "DejaVu Sans", 10, false);
        PreparedImage p = tight.prepare(new DecodedImage(src, "png"), false);
        assertThat((long) (p.width() - 2 * p.border()) * (p.height() - 2 * p.border())).isLessThanOrEqualTo(200_000);
    }

    private static DecodedImage rendered(List<String> lines, String font, int size, boolean inverted) {
        return new DecodedImage(TextImages.render(lines, font, size, inverted), "png");
    }

    private static double meanGray(PreparedImage p) {
        long sum = 0;
        for (byte b : p.gray()) {
            sum += b & 0xff;
        }
        return (double) sum / p.gray().length;
    }

    private static long darkPixels(PreparedImage p) {
        long n = 0;
        for (byte b : p.gray()) {
            if ((b & 0xff) < 100) {
                n++;
            }
        }
        return n;
    }
}
