package dev.crawlocr.analyzer.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crawlocr.analyzer.TestImages;
import dev.crawlocr.devkit.ImageEncoding;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(10 << 20, 40_000_000);

    @Test
    void a_decompression_bomb_is_refused_from_its_header() {
        byte[] bomb = TestImages.decompressionBomb();
        assertThat(bomb.length).isLessThan(100);
        assertThatThrownBy(() -> decoder.decode(bomb)).isInstanceOfSatisfying(ImageRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ImageRejectedException.TOO_MANY_PIXELS))
                .hasMessage("The png image is 100000x100000 = 10000000000 pixels, more than the budget of 40000000");
    }

    @Test
    void bytes_past_the_cap_are_refused_before_decoding() {
        assertThatThrownBy(() -> new ImageDecoder(1000, 40_000_000).decode(TestImages.encoded(ImageEncoding.BMP)))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo("too_many_bytes"))
                .hasMessageContaining("more than the cap of 1000");
    }

    @Test
    void a_truncated_png_is_reported_as_corrupt() {
        assertThatThrownBy(() -> decoder.decode(TestImages.truncatedPng()))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo("corrupt_image"))
                .hasMessageStartingWith("Cannot decode the image");
    }

    @Test
    void html_is_not_an_image() {
        assertThatThrownBy(() -> decoder.decode(TestImages.notAnImage()))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo("unsupported_format"))
                .hasMessage("Not a recognised image (PNG, JPEG, GIF, BMP, WebP or TIFF); starts with 0x3c21646f63747970");
    }

    @Test
    void cmyk_jpeg_16_bit_png_gif_bmp_and_tiff_decode() {
        assertThat(decoder.decode(TestImages.cmykJpeg()).format()).isEqualTo("jpeg");
        assertThat(decoder.decode(TestImages.png16Bit()).image().getColorModel().getComponentSize(0)).isEqualTo(16);
        DecodedImage gif = decoder.decode(TestImages.animatedGif());
        assertThat(gif.format()).isEqualTo("gif");
        assertThat(gif.width()).isEqualTo(300);
        assertThat(decoder.decode(TestImages.encoded(ImageEncoding.BMP)).format()).isEqualTo("bmp");
        assertThat(decoder.decode(TestImages.encoded(ImageEncoding.TIFF)).format()).isEqualTo("tiff");
    }
}
