package dev.crawlocr.analyzer.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes the first frame of PNG, JPEG (CMYK too), GIF, BMP, WebP and TIFF images with ImageIO and the TwelveMonkeys
 * plugins. The byte cap is checked first, then the dimensions from the header, and only then are pixels decoded,
 * so a decompression bomb is refused before it allocates anything. Thread-safe.
 */
public final class ImageDecoder {
    static {
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    private final long maxBytes;
    private final long maxPixels;

    /**
     * @param maxBytes  largest encoded image accepted
     * @param maxPixels largest width x height accepted, read from the header before decoding
     */
    public ImageDecoder(long maxBytes, long maxPixels) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    /** @throws ImageRejectedException with the reason and a message naming the limit or the decoder's complaint */
    public DecodedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(ImageRejectedException.UNSUPPORTED_FORMAT, "The image is empty (0 bytes)");
        }
        if (bytes.length > maxBytes) {
            throw new ImageRejectedException(ImageRejectedException.TOO_MANY_BYTES,
                    "The image has " + bytes.length + " bytes, more than the cap of " + maxBytes);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(ImageRejectedException.UNSUPPORTED_FORMAT,
                        "Not a recognised image (PNG, JPEG, GIF, BMP, WebP or TIFF); starts with " + magic(bytes));
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            try {
                reader.setInput(in, false, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new ImageRejectedException(ImageRejectedException.CORRUPT, "The " + format + " header gives " + width + "x" + height);
                }
                if (width * height > maxPixels) {
                    throw new ImageRejectedException(ImageRejectedException.TOO_MANY_PIXELS, "The " + format + " image is "
                            + width + "x" + height + " = " + width * height + " pixels, more than the budget of " + maxPixels);
                }
                BufferedImage image = reader.read(0, reader.getDefaultReadParam());
                return new DecodedImage(image, format);
            } finally {
                reader.dispose();
            }
        } catch (ImageRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(ImageRejectedException.CORRUPT, "Cannot decode the image: " + e, e);
        }
    }

    private static String magic(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i]));
        }
        return "0x" + sb;
    }
}
