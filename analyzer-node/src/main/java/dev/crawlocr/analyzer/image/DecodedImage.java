package dev.crawlocr.analyzer.image;

import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;

/**
 * The first frame of an image as decoded, with the colour information the decoder read but did not apply.
 *
 * @param format  lower-case format name of the decoder that read it ("png", "jpeg", "gif", "bmp", "webp", "tiff")
 * @param gamma   the file's encoding gamma (a PNG {@code gAMA} chunk, e.g. 0.45455), or 0 when it gives none or
 *                declares sRGB; the samples in {@code image} are as stored, with this gamma not applied
 * @param profile an embedded ICC profile the decoder ignored (a PNG {@code iCCP} chunk), or null; decoders that
 *                apply their profiles (JPEG, TIFF) leave it null and return the image in the profile's colour space
 */
public record DecodedImage(BufferedImage image, String format, double gamma, ICC_Profile profile) {

    public DecodedImage(BufferedImage image, String format) {
        this(image, format, 0, null);
    }

    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }
}
