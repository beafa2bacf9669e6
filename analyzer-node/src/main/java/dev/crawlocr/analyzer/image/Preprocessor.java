package dev.crawlocr.analyzer.image;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;

/**
 * Turns a decoded web image into what Tesseract reads best: its true luminance ({@link Luminance}, transparency
 * composited onto white), inverted when the text is lighter than its background, levels scaled so that the background
 * is white, margins without ink of any shade cut away, small text upscaled, and a white border added.
 *
 * <p>Small text is the main cause of empty OCR on web images: the preprocessor estimates the height of the text
 * lines from the dark rows of the image and scales the image up by a whole factor so that lines reach about
 * {@code targetLineHeight} pixels, by at most {@code maxScale}, and never past {@code maxScaledPixels}.
 * Immutable and thread-safe.
 */
public final class Preprocessor {
    private final int targetLineHeight;
    private final int denseLineHeight;
    private final double maxScale;
    private final long maxScaledPixels;

    /**
     * @param targetLineHeight text line height in pixels to scale small Latin text up to; 0 disables upscaling
     * @param denseLineHeight  the same for dense scripts (Hangul, CJK); 0 disables upscaling them
     * @param maxScale         largest scale factor applied
     * @param maxScaledPixels  the scaled image never has more pixels than this
     */
    public Preprocessor(int targetLineHeight, int denseLineHeight, double maxScale, long maxScaledPixels) {
        this.targetLineHeight = targetLineHeight;
        this.denseLineHeight = denseLineHeight;
        this.maxScale = maxScale;
        this.maxScaledPixels = maxScaledPixels;
    }

    /**
     * @param denseScript true when the languages use dense glyphs (Hangul, CJK), which need taller lines to read
     *                    than Latin text does: their lines are scaled towards {@code denseLineHeight} instead
     */
    public PreparedImage prepare(DecodedImage image, boolean denseScript) {
        int w = image.width();
        int h = image.height();
        byte[] gray = Luminance.onWhite(image);
        int[] histogram = Grayscale.histogram(gray);
        if (Grayscale.lightText(histogram, gray.length)) {
            Grayscale.invert(gray, histogram);
        }
        Grayscale.whiten(gray, histogram, Grayscale.percentile(histogram, gray.length, 0.5));
        TextLines text = TextLines.of(histogram, gray.length);
        int lineHeight = text.medianLineHeight(gray, w, h);
        int[] box = text.inkBox(gray, w, h, Math.max(4, lineHeight / 2));
        if (box != null && (box[2] < w || box[3] < h)) {
            gray = Grayscale.crop(gray, w, box);
            w = box[2];
            h = box[3];
        }
        double scale = scaleFor(lineHeight, w, h, denseScript ? denseLineHeight : targetLineHeight);
        BufferedImage g = Grayscale.image(gray, w, h);
        if (scale > 1.0) {
            g = scaled(g, scale);
            w = g.getWidth();
            h = g.getHeight();
        }
        int border = Math.max(10, (int) Math.round(lineHeight * scale * 0.5));
        return new PreparedImage(Grayscale.pad(g, border), w + 2 * border, h + 2 * border,
                box == null ? 0 : box[0], box == null ? 0 : box[1], scale, border);
    }

    /**
     * The prepared image at another size, {@code factor} times its own, border included: a second way to present
     * the same text when a read goes wrong at one size (Tesseract then finds lines and glyphs anew).
     */
    public PreparedImage resample(PreparedImage p, double factor) {
        BufferedImage g = factor < 1 ? shrunk(Grayscale.image(p.gray(), p.width(), p.height()), factor)
                : scaled(Grayscale.image(p.gray(), p.width(), p.height()), factor);
        byte[] gray = ((java.awt.image.DataBufferByte) g.getRaster().getDataBuffer()).getData();
        return new PreparedImage(gray, g.getWidth(), g.getHeight(), p.cropX(), p.cropY(), p.scale() * factor,
                (int) Math.round(p.border() * factor));
    }

    /** Area-averaging reduction of a gray image by {@code factor} (below 1): every source pixel counts, so no stroke is lost. */
    private static BufferedImage shrunk(BufferedImage g, double factor) {
        int sw = Math.max(1, (int) Math.round(g.getWidth() * factor));
        int sh = Math.max(1, (int) Math.round(g.getHeight() * factor));
        BufferedImage out = new BufferedImage(sw, sh, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D graphics = out.createGraphics();
        graphics.drawImage(g.getScaledInstance(sw, sh, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        graphics.dispose();
        return out;
    }

    /** Bicubic resampling of a gray image by {@code factor}, rounded to whole pixels. */
    private static BufferedImage scaled(BufferedImage g, double factor) {
        int sw = Math.max(1, (int) Math.round(g.getWidth() * factor));
        int sh = Math.max(1, (int) Math.round(g.getHeight() * factor));
        BufferedImage out = new BufferedImage(sw, sh, BufferedImage.TYPE_BYTE_GRAY);
        new AffineTransformOp(AffineTransform.getScaleInstance((double) sw / g.getWidth(), (double) sh / g.getHeight()),
                AffineTransformOp.TYPE_BICUBIC).filter(g.getRaster(), out.getRaster());
        return out;
    }

    /**
     * Whole-number factors only (2x, 3x...): they keep strokes even, where fractional bicubic factors blur glyphs
     * and cost accuracy. Text lines already {@code targetLineHeight * 3/4} or taller are left alone.
     */
    double scaleFor(int lineHeight, int w, int h, int targetLineHeight) {
        if (targetLineHeight <= 0 || lineHeight <= 0 || lineHeight * 4 >= targetLineHeight * 3) {
            return 1.0;
        }
        double scale = Math.min(Math.floor(maxScale), Math.max(2, Math.round((double) targetLineHeight / lineHeight)));
        while (scale > 1 && scale * scale * w * h > maxScaledPixels) {
            scale--;
        }
        return Math.max(1.0, scale);
    }

}
