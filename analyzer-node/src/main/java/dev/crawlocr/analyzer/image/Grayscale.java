package dev.crawlocr.analyzer.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;

/** Pixel operations on 8-bit gray images (row-major, one byte per pixel). Stateless. */
final class Grayscale {
    /** How far from the background a level must be to count as text rather than noise, 0-255. */
    static final int STANDS_OUT = 40;

    /**
     * True when the text is lighter than its background: more pixels stand out above the median (the background)
     * than below it. Light text on dark, on mid-gray and on coloured backgrounds all count.
     */
    static boolean lightText(int[] histogram, long pixels) {
        int background = percentile(histogram, pixels, 0.5);
        long lighter = 0;
        long darker = 0;
        for (int v = 0; v < 256; v++) {
            if (v > background + STANDS_OUT) {
                lighter += histogram[v];
            } else if (v < background - STANDS_OUT) {
                darker += histogram[v];
            }
        }
        return lighter > darker;
    }

    static int[] histogram(byte[] gray) {
        int[] histogram = new int[256];
        for (byte b : gray) {
            histogram[b & 0xff]++;
        }
        return histogram;
    }

    /** The level below which {@code fraction} of the {@code count} pixels of {@code histogram} lie. */
    static int percentile(int[] histogram, long count, double fraction) {
        long target = (long) (count * fraction);
        long seen = 0;
        for (int v = 0; v < 256; v++) {
            seen += histogram[v];
            if (seen > target) {
                return v;
            }
        }
        return 255;
    }

    /** Inverts the image's levels, and its histogram with them. */
    static void invert(byte[] gray, int[] histogram) {
        for (int i = 0; i < gray.length; i++) {
            gray[i] = (byte) (255 - (gray[i] & 0xff));
        }
        for (int v = 0; v < 128; v++) {
            int t = histogram[v];
            histogram[v] = histogram[255 - v];
            histogram[255 - v] = t;
        }
    }

    /**
     * Scales levels so that {@code background} becomes white, keeping black black, and updates the histogram: text on
     * a tinted or coloured background then sits on white, like the border added around it, and no global threshold
     * can take the background for ink.
     */
    static void whiten(byte[] gray, int[] histogram, int background) {
        if (background <= 0 || background >= 255) {
            return;
        }
        byte[] levels = new byte[256];
        int[] before = histogram.clone();
        java.util.Arrays.fill(histogram, 0);
        for (int v = 0; v < 256; v++) {
            levels[v] = (byte) Math.min(255, (v * 255 + background / 2) / background);
            histogram[levels[v] & 0xff] += before[v];
        }
        for (int i = 0; i < gray.length; i++) {
            gray[i] = levels[gray[i] & 0xff];
        }
    }

    /** The region {@code box} = {x, y, width, height} of a gray image. */
    static byte[] crop(byte[] gray, int w, int[] box) {
        byte[] out = new byte[box[2] * box[3]];
        for (int y = 0; y < box[3]; y++) {
            System.arraycopy(gray, (box[1] + y) * w + box[0], out, y * box[2], box[2]);
        }
        return out;
    }

    /** Wraps gray pixels in a TYPE_BYTE_GRAY image (copying them). */
    static BufferedImage image(byte[] gray, int w, int h) {
        BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        System.arraycopy(gray, 0, ((DataBufferByte) g.getRaster().getDataBuffer()).getData(), 0, gray.length);
        return g;
    }

    /** The image's pixels with {@code border} white pixels on every side. */
    static byte[] pad(BufferedImage g, int border) {
        int w = g.getWidth();
        int h = g.getHeight();
        byte[] src = ((DataBufferByte) g.getRaster().getDataBuffer()).getData();
        int pw = w + 2 * border;
        byte[] out = new byte[pw * (h + 2 * border)];
        Arrays.fill(out, (byte) 0xff);
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, y * w, out, (y + border) * pw + border, w);
        }
        return out;
    }

    private Grayscale() {
    }
}
