package dev.crawlocr.analyzer.image;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Turns a decoded web image into what Tesseract reads best: transparency composited onto white, converted to
 * gray, inverted when the background is dark, small text upscaled, and a white border added.
 *
 * <p>Small text is the main cause of empty OCR on web images: the preprocessor estimates the height of the text
 * lines from the dark rows of the image and scales the image up by a whole factor so that lines reach about
 * {@code targetLineHeight} pixels, by at most {@code maxScale}, and never past {@code maxScaledPixels}.
 * Immutable and thread-safe.
 */
public final class Preprocessor {
    private final int targetLineHeight;
    private final double maxScale;
    private final long maxScaledPixels;

    /**
     * @param targetLineHeight text line height in pixels to scale small text up to; 0 disables upscaling
     * @param maxScale         largest scale factor applied
     * @param maxScaledPixels  the scaled image never has more pixels than this
     */
    public Preprocessor(int targetLineHeight, double maxScale, long maxScaledPixels) {
        this.targetLineHeight = targetLineHeight;
        this.maxScale = maxScale;
        this.maxScaledPixels = maxScaledPixels;
    }

    public PreparedImage prepare(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] gray = Grayscale.onWhite(image);
        if (Grayscale.darkBackground(gray)) {
            Grayscale.invert(gray);
        }
        double scale = scaleFor(gray, w, h);
        BufferedImage g = grayImage(gray, w, h);
        if (scale > 1.0) {
            int sw = (int) Math.round(w * scale);
            int sh = (int) Math.round(h * scale);
            BufferedImage scaled = new BufferedImage(sw, sh, BufferedImage.TYPE_BYTE_GRAY);
            new AffineTransformOp(AffineTransform.getScaleInstance((double) sw / w, (double) sh / h), AffineTransformOp.TYPE_BICUBIC)
                    .filter(g.getRaster(), scaled.getRaster());
            g = scaled;
            w = sw;
            h = sh;
        }
        int border = Math.max(10, (int) Math.round(Math.max(targetLineHeight, 20) * 0.5));
        return new PreparedImage(Grayscale.pad(g, border), w + 2 * border, h + 2 * border, scale, border);
    }

    /**
     * Whole-number factors only (2x, 3x...): they keep strokes even, where fractional bicubic factors blur glyphs
     * and cost accuracy. Text lines already {@code targetLineHeight * 3/4} or taller are left alone.
     */
    double scaleFor(byte[] gray, int w, int h) {
        if (targetLineHeight <= 0) {
            return 1.0;
        }
        int lineHeight = TextLines.medianLineHeight(gray, w, h);
        if (lineHeight <= 0 || lineHeight * 4 >= targetLineHeight * 3) {
            return 1.0;
        }
        double scale = Math.min(Math.floor(maxScale), Math.max(2, Math.round((double) targetLineHeight / lineHeight)));
        while (scale > 1 && scale * scale * w * h > maxScaledPixels) {
            scale--;
        }
        return Math.max(1.0, scale);
    }

    private static BufferedImage grayImage(byte[] gray, int w, int h) {
        BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) g.getRaster().getDataBuffer()).getData();
        System.arraycopy(gray, 0, data, 0, gray.length);
        return g;
    }
}
