package dev.crawlocr.localcluster;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * An ARGB picture as an 8-bit grayscale PNG, the way {@link DemoSite} serves its images: flattened onto white, each
 * gray sample the pixel's sRGB-encoded luma (BT.601 weights), never Java's linear gray conversion.
 */
public final class GrayPng {

    /** The picture over white, as an 8-bit grayscale PNG written by ImageIO. */
    public static byte[] encode(BufferedImage argb) {
        BufferedImage flat = flatten(argb);
        BufferedImage gray = new BufferedImage(flat.getWidth(), flat.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = gray.getRaster();
        for (int y = 0; y < flat.getHeight(); y++) {
            for (int x = 0; x < flat.getWidth(); x++) {
                r.setSample(x, y, 0, luma(flat.getRGB(x, y)));
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(gray, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ARGB picture over white, as TYPE_INT_RGB. */
    public static BufferedImage flatten(BufferedImage argb) {
        BufferedImage flat = new BufferedImage(argb.getWidth(), argb.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = flat.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, flat.getWidth(), flat.getHeight());
        g.drawImage(argb, 0, 0, null);
        g.dispose();
        return flat;
    }

    /** sRGB-encoded luma (BT.601 weights) of a pixel, 0-255. */
    public static int luma(int rgb) {
        return (((rgb >> 16) & 0xff) * 299 + ((rgb >> 8) & 0xff) * 587 + (rgb & 0xff) * 114 + 500) / 1000;
    }

    private GrayPng() {
    }
}
