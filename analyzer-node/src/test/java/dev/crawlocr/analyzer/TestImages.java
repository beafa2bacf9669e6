package dev.crawlocr.analyzer;

import dev.crawlocr.devkit.ImageEncoding;
import dev.crawlocr.devkit.TextImages;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;

/** Images that web crawls meet and that break naive decoders, generated with the text they carry. */
public final class TestImages {
    public static final String TEXT = "Station map";

    /** A valid 1x1 PNG whose header claims 100000 x 100000 pixels: a few dozen bytes that would decode to 10 GB. */
    public static byte[] decompressionBomb() {
        byte[] png = TextImages.encode(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png");
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 100_000).putInt(20, 100_000); // IHDR width and height
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // chunk type + 13 data bytes
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    /** A rendered PNG cut off in the middle of its image data. */
    public static byte[] truncatedPng() {
        byte[] png = TextImages.png(List.of(TEXT), "DejaVu Sans", 32, false);
        return Arrays.copyOf(png, png.length / 2);
    }

    /** HTML served with an image content type. */
    public static byte[] notAnImage() {
        return "<!doctype html><html><body>Not found</body></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A four-channel (CMYK) Adobe JPEG of dark text on white, which the JDK's own JPEG reader refuses. */
    public static byte[] cmykJpeg() {
        return ImageEncoding.JPEG_CMYK.encode(picture());
    }

    /** A 16-bit grayscale PNG of dark text on white. */
    public static byte[] png16Bit() {
        return ImageEncoding.PNG_GRAY16.encode(picture());
    }

    /** A transparent PNG: black text on a fully transparent black background (all black if alpha is ignored). */
    public static byte[] transparentPng() {
        return ImageEncoding.PNG_RGBA8.encode(picture());
    }

    /** A two-frame animated GIF; the first frame carries the text, the second is blank. */
    public static byte[] animatedGif() {
        BufferedImage first = new BufferedImage(300, 70, BufferedImage.TYPE_BYTE_INDEXED);
        draw(first, Color.WHITE, Color.BLACK);
        BufferedImage second = new BufferedImage(300, 70, BufferedImage.TYPE_BYTE_INDEXED);
        draw(second, Color.WHITE, Color.WHITE);
        return ImageEncoding.write("gif", writer -> {
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(first, null, null), null);
            writer.writeToSequence(new IIOImage(second, null, null), null);
            writer.endWriteSequence();
        });
    }

    /** The text in {@code encoding}, dark on white (or on transparency where the encoding has alpha). */
    public static byte[] encoded(ImageEncoding encoding) {
        return encoding.encode(picture());
    }

    /** The text in black on a transparent background. */
    private static BufferedImage picture() {
        BufferedImage img = new BufferedImage(300, 70, BufferedImage.TYPE_INT_ARGB);
        draw(img, new Color(0, 0, 0, 0), Color.BLACK);
        return img;
    }

    private static void draw(BufferedImage img, Color background, Color ink) {
        Graphics2D g = img.createGraphics();
        g.setComposite(java.awt.AlphaComposite.Src);
        g.setColor(background);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setComposite(java.awt.AlphaComposite.SrcOver);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(ink);
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 32));
        g.drawString(TEXT, 20, 45);
        g.dispose();
    }

    private TestImages() {
    }
}
