package dev.crawlocr.analyzer.image;

import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

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

    private static final String PNG_METADATA = "javax_imageio_png_1.0";
    /** The encoding gamma of sRGB, which PNG writers record as {@code gAMA 45455}. */
    private static final double SRGB_GAMMA = 1 / 2.2;

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
                reader.setInput(in, false, !format.equals("png")); // PNG colour chunks are metadata
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
                return format.equals("png") ? pngColour(image, reader.getImageMetadata(0)) : new DecodedImage(image, format);
            } finally {
                reader.dispose();
            }
        } catch (ImageRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(ImageRejectedException.CORRUPT, "Cannot decode the image: " + e, e);
        }
    }

    /**
     * The JDK's PNG reader returns samples as stored, ignoring {@code gAMA} and {@code iCCP}; they are kept for
     * {@link Luminance}. An {@code sRGB} chunk overrides both, as the PNG specification says.
     */
    private static DecodedImage pngColour(BufferedImage image, IIOMetadata metadata) {
        double gamma = 0;
        ICC_Profile profile = null;
        Node chunk = metadata == null ? null : metadata.getAsTree(PNG_METADATA).getFirstChild();
        for (; chunk != null; chunk = chunk.getNextSibling()) {
            switch (chunk.getNodeName()) {
                case "sRGB" -> {
                    return new DecodedImage(image, "png");
                }
                case "gAMA" -> gamma = Integer.parseInt(((IIOMetadataNode) chunk).getAttribute("value")) / 100_000.0;
                case "iCCP" -> profile = iccProfile(((IIOMetadataNode) chunk).getUserObject());
                default -> {
                }
            }
        }
        return new DecodedImage(image, "png", Math.abs(gamma - SRGB_GAMMA) < 0.01 ? 0 : gamma, profile);
    }

    /** The profile, or null for bytes that are not a usable ICC profile (which a viewer would ignore too). */
    private static ICC_Profile iccProfile(Object data) {
        if (!(data instanceof byte[] bytes)) {
            return null;
        }
        try {
            return ICC_Profile.getInstance(bytes);
        } catch (IllegalArgumentException e) {
            return null;
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
