package dev.crawlocr.analyzer.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;

/**
 * The luminance of a decoded image as a viewer shows it: one byte per pixel, row-major, 0 black to 255 white, in
 * sRGB's encoding (the scale image files and Tesseract use), with any transparency composited onto white.
 *
 * <p>Java labels every gray image it decodes with its built-in <em>linear</em> gray colour space, whatever the file
 * said, so {@code getRGB} on a gray image "converts" the stored values from linear light to sRGB: #707070 comes back
 * as #b1b1b1 and dark gray text fades towards the background. Files store gray gamma-encoded, as they store RGB, so
 * gray samples are read as stored, whatever their bit depth. Other colour spaces (CMYK, embedded ICC profiles a
 * decoder applied) are converted to sRGB, and a PNG's {@code gAMA} or {@code iCCP} that the decoder ignored is
 * applied here. Stateless.
 */
final class Luminance {

    static byte[] onWhite(DecodedImage decoded) {
        BufferedImage image = decoded.image();
        ColorModel cm = image.getColorModel();
        ICC_Profile profile = decoded.profile();
        if (profile != null && profile.getColorSpaceType() != cm.getColorSpace().getType()) {
            profile = null; // a profile for another kind of colour (an RGB profile on a gray PNG) is invalid; viewers ignore it
        }
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm instanceof ComponentColorModel) {
            return gray(image, toneCurve(decoded.gamma(), profile, cm.getColorSpace()));
        }
        if (profile != null) {
            image = convert(withColourSpace(image, new ICC_ColorSpace(profile)));
        } else if (!(cm instanceof IndexColorModel) && !cm.getColorSpace().isCS_sRGB()) {
            image = convert(image);
        }
        return rgb(image, profile == null ? toneCurve(decoded.gamma(), null, null) : null);
    }

    /** Gray samples and their alpha, scaled to 8 bits and mapped through {@code curve} (null: as stored). */
    private static byte[] gray(BufferedImage image, int[] curve) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        WritableRaster raster = image.getRaster();
        int max = (1 << cm.getComponentSize(0)) - 1;
        int alphaBand = cm.hasAlpha() ? raster.getNumBands() - 1 : -1;
        int alphaMax = cm.hasAlpha() ? (1 << cm.getComponentSize(alphaBand)) - 1 : 1;
        boolean premultiplied = cm.isAlphaPremultiplied();
        byte[] out = new byte[w * h];
        int[] v = new int[w];
        int[] a = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, v);
            if (alphaBand >= 0) {
                raster.getSamples(0, y, w, 1, alphaBand, a);
            }
            int base = y * w;
            for (int x = 0; x < w; x++) {
                int alpha = alphaBand < 0 ? 255 : scale(a[x], alphaMax);
                int g = scale(v[x], max);
                if (premultiplied && alpha > 0) {
                    g = Math.min(255, g * 255 / alpha);
                }
                if (curve != null) {
                    g = curve[g];
                }
                out[base + x] = (byte) onWhite(g, alpha);
            }
        }
        return out;
    }

    /** sRGB pixels through {@code curve} per channel (null: as stored), weighted to luma. */
    private static byte[] rgb(BufferedImage image, int[] curve) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h];
        int[] argb = new int[w];
        RowReader rows = rowReader(image, w);
        for (int y = 0; y < h; y++) {
            rows.read(y, argb);
            int base = y * w;
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                int r = (p >> 16) & 0xff;
                int g = (p >> 8) & 0xff;
                int b = p & 0xff;
                if (curve != null) {
                    r = curve[r];
                    g = curve[g];
                    b = curve[b];
                }
                out[base + x] = (byte) onWhite((r * 299 + g * 587 + b * 114 + 500) / 1000, p >>> 24);
            }
        }
        return out;
    }

    /** Reads one row of an image as non-premultiplied ARGB into an array of its width. */
    private interface RowReader {
        void read(int y, int[] argb);
    }

    /**
     * Reads rows straight from the raster for the layouts decoders return most (packed RGB, interleaved BGR and
     * ABGR bytes), and through {@code getRGB}, which converts pixel by pixel, for every other.
     */
    private static RowReader rowReader(BufferedImage image, int w) {
        WritableRaster raster = image.getRaster();
        return switch (image.getType()) {
            case BufferedImage.TYPE_INT_RGB -> (y, argb) -> {
                raster.getDataElements(0, y, w, 1, argb);
                for (int x = 0; x < w; x++) {
                    argb[x] |= 0xff000000;
                }
            };
            case BufferedImage.TYPE_INT_ARGB -> (y, argb) -> raster.getDataElements(0, y, w, 1, argb);
            case BufferedImage.TYPE_3BYTE_BGR -> { // data elements come in band order: red, green, blue
                byte[] rgb = new byte[3 * w];
                yield (y, argb) -> {
                    raster.getDataElements(0, y, w, 1, rgb);
                    for (int x = 0, i = 0; x < w; x++, i += 3) {
                        argb[x] = 0xff000000 | (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
                    }
                };
            }
            case BufferedImage.TYPE_4BYTE_ABGR -> { // red, green, blue, alpha
                byte[] rgba = new byte[4 * w];
                yield (y, argb) -> {
                    raster.getDataElements(0, y, w, 1, rgba);
                    for (int x = 0, i = 0; x < w; x++, i += 4) {
                        argb[x] = (rgba[i + 3] & 0xff) << 24 | (rgba[i] & 0xff) << 16 | (rgba[i + 1] & 0xff) << 8 | (rgba[i + 2] & 0xff);
                    }
                };
            }
            default -> (y, argb) -> image.getRGB(0, y, w, 1, argb, 0, w);
        };
    }

    /**
     * Maps stored 8-bit values to sRGB-encoded ones: through a gray ICC profile (the decoder's own colour space when
     * it is not Java's built-in linear gray, else the file's ignored profile), else through the file's gamma;
     * null when the values are already sRGB-encoded.
     */
    private static int[] toneCurve(double gamma, ICC_Profile profile, ColorSpace decoded) {
        ColorSpace space = profile != null ? new ICC_ColorSpace(profile)
                : decoded != null && decoded != ColorSpace.getInstance(ColorSpace.CS_GRAY) ? decoded : null;
        if (space == null && gamma <= 0) {
            return null;
        }
        int[] curve = new int[256];
        float[] level = new float[1];
        for (int v = 0; v < 256; v++) {
            double out;
            if (space != null) {
                level[0] = v / 255f;
                out = space.toRGB(level)[0];
            } else {
                out = Math.pow(v / 255.0, 1 / (gamma * 2.2)); // decoded to light with 1/gamma, encoded again as sRGB (2.2)
            }
            curve[v] = (int) Math.round(Math.max(0, Math.min(1, out)) * 255);
        }
        return curve;
    }

    /** The same samples read in another colour space (for a profile the decoder ignored). */
    private static BufferedImage withColourSpace(BufferedImage image, ColorSpace space) {
        ColorModel cm = image.getColorModel();
        ComponentColorModel model = new ComponentColorModel(space, cm.hasAlpha(), cm.isAlphaPremultiplied(), cm.getTransparency(),
                cm.getTransferType());
        return model.isCompatibleRaster(image.getRaster()) ? new BufferedImage(model, image.getRaster(), cm.isAlphaPremultiplied(), null)
                : image;
    }

    /** Converts any colour space (CMYK, ICC profiles) to sRGB in one pass, keeping alpha. */
    private static BufferedImage convert(BufferedImage image) {
        BufferedImage srgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        new ColorConvertOp(null).filter(image, srgb);
        return srgb;
    }

    private static int scale(int sample, int max) {
        return max == 255 ? sample : (sample * 255 + max / 2) / max;
    }

    private static int onWhite(int luma, int alpha) {
        return (luma * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    private Luminance() {
    }
}
