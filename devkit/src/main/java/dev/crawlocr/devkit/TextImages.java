package dev.crawlocr.devkit;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** Renders known text into images with Java2D, so tests and benchmarks know what OCR should read. */
public final class TextImages {

    /** Renders each line in {@code font} at {@code size} px, dark on light unless {@code inverted}, as a PNG. */
    public static byte[] png(List<String> lines, String font, int size, boolean inverted) {
        return encode(render(lines, font, size, inverted), "png");
    }

    public static BufferedImage render(List<String> lines, String font, int size, boolean inverted) {
        Font f = new Font(font, Font.PLAIN, size);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(f);
        int width = lines.stream().mapToInt(fm::stringWidth).max().orElse(10) + size * 2;
        int lineHeight = fm.getHeight() + size / 3;
        int height = lineHeight * lines.size() + size;
        pg.dispose();
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setColor(inverted ? new Color(20, 24, 40) : Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(inverted ? Color.WHITE : new Color(15, 15, 15));
        g.setFont(f);
        int y = size / 2 + fm.getAscent();
        for (String line : lines) {
            g.drawString(line, size, y);
            y += lineHeight;
        }
        g.dispose();
        return img;
    }

    public static byte[] encode(BufferedImage img, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("No ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TextImages() {
    }
}
