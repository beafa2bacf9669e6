package dev.crawlocr.analyzer.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;

/** Pixel operations on 8-bit gray images (row-major, one byte per pixel). Stateless. */
final class Grayscale {

    /** Luma of every pixel, with any transparency composited onto white. Works for every ColorModel (16-bit, CMYK, indexed). */
    static byte[] onWhite(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] gray = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int base = y * w;
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int a = argb >>> 24;
                int r = (argb >> 16) & 0xff;
                int g = (argb >> 8) & 0xff;
                int b = argb & 0xff;
                int luma = (r * 299 + g * 587 + b * 114) / 1000;
                gray[base + x] = (byte) ((luma * a + 255 * (255 - a)) / 255);
            }
        }
        return gray;
    }

    /** True when the median pixel is darker than mid-gray: light text on a dark background. */
    static boolean darkBackground(byte[] gray) {
        int[] histogram = new int[256];
        for (byte b : gray) {
            histogram[b & 0xff]++;
        }
        int half = gray.length / 2;
        int seen = 0;
        for (int v = 0; v < 256; v++) {
            seen += histogram[v];
            if (seen > half) {
                return v < 128;
            }
        }
        return false;
    }

    static void invert(byte[] gray) {
        for (int i = 0; i < gray.length; i++) {
            gray[i] = (byte) (255 - (gray[i] & 0xff));
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
