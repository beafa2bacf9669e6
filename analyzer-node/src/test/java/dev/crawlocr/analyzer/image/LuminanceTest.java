package dev.crawlocr.analyzer.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.devkit.ImageEncoding;
import dev.crawlocr.localcluster.GrayPng;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every decoder path hands the preprocessor the luminance a viewer shows, whatever the encoding. */
class LuminanceTest {
    /** Flat patches, left to right: #707070, #303030, blue #1565c0 (luma 87), white, and a transparent one. */
    private static final Color[] PATCHES = {new Color(0x707070), new Color(0x303030), new Color(0x1565c0), Color.WHITE, null};
    private static final int PATCH = 32;

    private final ImageDecoder decoder = new ImageDecoder(10 << 20, 40_000_000);

    @Test
    void dark_gray_in_an_8_bit_gray_png_keeps_its_level() {
        DecodedImage decoded = decoder.decode(ImageEncoding.PNG_GRAY8.encode(patches()));
        byte[] gray = Luminance.onWhite(decoded);
        assertThat(gray[PATCH / 2 * decoded.width() + PATCH / 2] & 0xff).as("#707070 read from a gray PNG").isEqualTo(0x70);
    }

    @ParameterizedTest
    @EnumSource(value = ImageEncoding.class, names = "JPEG_CMYK", mode = EnumSource.Mode.EXCLUDE)
    void every_encoding_yields_the_luminance_of_the_picture_on_white(ImageEncoding encoding) {
        BufferedImage picture = patches();
        DecodedImage decoded = decoder.decode(encoding.encode(picture));
        byte[] gray = Luminance.onWhite(decoded);
        BufferedImage flat = GrayPng.flatten(picture);
        int tolerance = switch (encoding) {
            case JPEG_GRAY, JPEG_YCBCR, WEBP -> 6; // lossy
            case WEBP_LOSSLESS -> 2; // cwebp stores colours a level off in places
            case PNG_GAMMA, PNG_ICC_LINEAR -> 3; // 8-bit linear samples lose a little in the darks
            default -> 1;
        };
        for (int i = 0; i < PATCHES.length; i++) {
            int x = i * PATCH + PATCH / 2;
            int y = PATCH / 2;
            int expected = GrayPng.luma(flat.getRGB(x, y));
            assertThat(gray[y * decoded.width() + x] & 0xff).as("%s patch %d", encoding, i).isCloseTo(expected,
                    org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @Test
    void cmyk_jpeg_keeps_dark_ink_dark_and_paper_white() {
        DecodedImage decoded = decoder.decode(ImageEncoding.JPEG_CMYK.encode(patches()));
        byte[] gray = Luminance.onWhite(decoded);
        int w = decoded.width();
        int level707070 = gray[PATCH / 2 * w + PATCH / 2] & 0xff;
        int level303030 = gray[PATCH / 2 * w + PATCH + PATCH / 2] & 0xff;
        int white = gray[PATCH / 2 * w + 3 * PATCH + PATCH / 2] & 0xff;
        assertThat(level303030).isLessThan(level707070).isLessThan(90);
        assertThat(level707070).isBetween(80, 150);
        assertThat(white).isGreaterThan(235);
    }

    private static BufferedImage patches() {
        BufferedImage img = new BufferedImage(PATCHES.length * PATCH, PATCH, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        for (int i = 0; i < PATCHES.length; i++) {
            if (PATCHES[i] != null) {
                g.setColor(PATCHES[i]);
                g.fillRect(i * PATCH, 0, PATCH, PATCH);
            }
        }
        g.dispose();
        return img;
    }
}
