package dev.crawlocr.analyzer;

import dev.crawlocr.devkit.TextImages;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

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

    /** A four-channel (CMYK) JPEG of dark text on white, which the JDK's own JPEG reader refuses. */
    public static byte[] cmykJpeg() {
        BufferedImage rgb = TextImages.render(List.of(TEXT), "DejaVu Sans", 32, false);
        WritableRaster cmyk = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, rgb.getWidth(), rgb.getHeight(), 4, null);
        int[] px = new int[4];
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int v = rgb.getRGB(x, y) & 0xff;
                px[0] = 0;
                px[1] = 0;
                px[2] = 0;
                px[3] = 255 - v; // ink on the K channel
                cmyk.setPixel(x, y, px);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
            ios.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** A 16-bit grayscale PNG of dark text on white. */
    public static byte[] png16Bit() {
        BufferedImage img = new BufferedImage(300, 70, BufferedImage.TYPE_USHORT_GRAY);
        draw(img, Color.WHITE, Color.BLACK);
        return TextImages.encode(img, "png");
    }

    /** A transparent PNG: black text on a fully transparent black background (all black if alpha is ignored). */
    public static byte[] transparentPng() {
        BufferedImage img = new BufferedImage(300, 70, BufferedImage.TYPE_INT_ARGB);
        draw(img, new Color(0, 0, 0, 0), Color.BLACK);
        return TextImages.encode(img, "png");
    }

    /** A two-frame animated GIF; the first frame carries the text, the second is blank. */
    public static byte[] animatedGif() {
        BufferedImage first = new BufferedImage(300, 70, BufferedImage.TYPE_BYTE_INDEXED);
        draw(first, Color.WHITE, Color.BLACK);
        BufferedImage second = new BufferedImage(300, 70, BufferedImage.TYPE_BYTE_INDEXED);
        draw(second, Color.WHITE, Color.WHITE);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(first, null, null), null);
            writer.writeToSequence(new IIOImage(second, null, null), null);
            writer.endWriteSequence();
            ios.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** The text rendered and encoded in {@code format} (png, bmp, tiff, gif, jpeg). */
    public static byte[] encoded(String format) {
        BufferedImage img = new BufferedImage(300, 70, BufferedImage.TYPE_INT_RGB);
        draw(img, Color.WHITE, Color.BLACK);
        return TextImages.encode(img, format);
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
