package dev.crawlocr.analyzer.image;

import java.awt.image.BufferedImage;

/**
 * The first frame of an image as decoded.
 *
 * @param format lower-case format name of the decoder that read it ("png", "jpeg", "gif", "bmp", "webp", "tiff")
 */
public record DecodedImage(BufferedImage image, String format) {
    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }
}
