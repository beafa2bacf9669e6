package dev.crawlocr.devkit;

import static dev.crawlocr.localcluster.GrayPng.flatten;
import static dev.crawlocr.localcluster.GrayPng.luma;

import dev.crawlocr.localcluster.GrayPng;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * The ways the web encodes one picture, each written as the format's own tools would write it. Every encoding
 * carries the same luminance: gray samples hold the sRGB-encoded luma (never Java's linear gray conversion),
 * 16-bit samples the same levels scaled by 257, and the gamma and ICC cases store linear samples together with the
 * chunk that says so. Transparent pixels hide black behind alpha 0, so a decoder that ignores alpha sees black.
 * WebP is written by {@code cwebp} (Debian's {@code webp} package), since Java has no WebP encoder.
 */
public enum ImageEncoding {
    /** What the demo site serves: {@link GrayPng}. */
    PNG_GRAY8("png", "image/png"),
    PNG_GRAY16("png", "image/png"),
    PNG_GRAY_ALPHA("png", "image/png"),
    PNG_PALETTE("png", "image/png"),
    PNG_PALETTE_ALPHA("png", "image/png"),
    PNG_RGB8("png", "image/png"),
    PNG_RGBA8("png", "image/png"),
    PNG_RGB16("png", "image/png"),
    PNG_RGBA16("png", "image/png"),
    /** Gray samples stored linear, with {@code gAMA 100000} (gamma 1.0) saying so. */
    PNG_GAMMA("png", "image/png"),
    /** RGB samples stored in linear-light RGB, with that ICC profile embedded ({@code iCCP}). */
    PNG_ICC_LINEAR("png", "image/png"),
    /** RGB samples with the standard sRGB ICC profile embedded, as photo editors write them. */
    PNG_ICC_SRGB("png", "image/png"),
    JPEG_GRAY("jpg", "image/jpeg"),
    JPEG_YCBCR("jpg", "image/jpeg"),
    /** Four-channel CMYK with an Adobe marker, ink stored inverted as Photoshop writes it. */
    JPEG_CMYK("jpg", "image/jpeg"),
    GIF("gif", "image/gif"),
    BMP("bmp", "image/bmp"),
    TIFF("tif", "image/tiff"),
    WEBP("webp", "image/webp"),
    WEBP_LOSSLESS("webp", "image/webp");

    /** File extension. */
    public final String extension;
    public final String contentType;

    ImageEncoding(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    /** Encodes an ARGB picture; opaque encodings show it flattened onto white. */
    public byte[] encode(BufferedImage argb) {
        BufferedImage flat = flatten(argb);
        return switch (this) {
            case PNG_GRAY8 -> GrayPng.encode(argb);
            case PNG_GRAY16 -> write(gray(flat, true), "png", null);
            case PNG_GRAY_ALPHA -> write(grayAlpha(argb), "png", null);
            case PNG_PALETTE -> write(palette(flat), "png", null);
            case PNG_PALETTE_ALPHA -> write(palette(argb), "png", null);
            case PNG_RGB8 -> write(flat, "png", null);
            case PNG_RGBA8 -> write(argb, "png", null);
            case PNG_RGB16 -> write(sixteenBit(flat), "png", null);
            case PNG_RGBA16 -> write(sixteenBit(argb), "png", null);
            case PNG_GAMMA -> write(linearGray(flat), "png", gAMA(100_000));
            case PNG_ICC_LINEAR -> write(convert(flat, ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB)), "png",
                    iCCP(ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB)));
            case PNG_ICC_SRGB -> write(flat, "png", iCCP(ICC_Profile.getInstance(ColorSpace.CS_sRGB)));
            case JPEG_GRAY -> jpeg(gray(flat, false));
            case JPEG_YCBCR -> jpeg(flat);
            case JPEG_CMYK -> adobe(jpeg(cmyk(flat)));
            case GIF -> write(palette(argb), "gif", null);
            case BMP -> write(flat, "bmp", null);
            case TIFF -> write(flat, "tiff", null);
            case WEBP -> cwebp(write(argb, "png", null), "-q", "90", "-alpha_q", "100");
            case WEBP_LOSSLESS -> cwebp(write(argb, "png", null), "-lossless");
        };
    }

    private static BufferedImage gray(BufferedImage flat, boolean sixteen) {
        BufferedImage g = new BufferedImage(flat.getWidth(), flat.getHeight(),
                sixteen ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = g.getRaster();
        for (int y = 0; y < flat.getHeight(); y++) {
            for (int x = 0; x < flat.getWidth(); x++) {
                int v = luma(flat.getRGB(x, y));
                r.setSample(x, y, 0, sixteen ? v * 257 : v);
            }
        }
        return g;
    }

    private static BufferedImage grayAlpha(BufferedImage argb) {
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false, Transparency.TRANSLUCENT,
                DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(argb.getWidth(), argb.getHeight());
        for (int y = 0; y < argb.getHeight(); y++) {
            for (int x = 0; x < argb.getWidth(); x++) {
                int p = argb.getRGB(x, y);
                r.setSample(x, y, 0, luma(p));
                r.setSample(x, y, 1, p >>> 24);
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    /** Gray samples in linear light: what a file with gamma 1.0 stores for the same luminance. */
    private static BufferedImage linearGray(BufferedImage flat) {
        BufferedImage g = gray(flat, false);
        WritableRaster r = g.getRaster();
        for (int y = 0; y < g.getHeight(); y++) {
            for (int x = 0; x < g.getWidth(); x++) {
                r.setSample(x, y, 0, (int) Math.round(255 * Math.pow(r.getSample(x, y, 0) / 255.0, 2.2)));
            }
        }
        return g;
    }

    /** 16 bits per sample, RGB or RGBA: each 8-bit level times 257. */
    private static BufferedImage sixteenBit(BufferedImage src) {
        boolean alpha = src.getColorModel().hasAlpha();
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(src.getWidth(), src.getHeight());
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                r.setSample(x, y, 0, ((p >> 16) & 0xff) * 257);
                r.setSample(x, y, 1, ((p >> 8) & 0xff) * 257);
                r.setSample(x, y, 2, (p & 0xff) * 257);
                if (alpha) {
                    r.setSample(x, y, 3, (p >>> 24) * 257);
                }
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    /**
     * At most 256 colours, fully transparent pixels sharing one transparent black entry. Levels are rounded coarser
     * until the colours fit, as a palette quantizer would.
     */
    private static BufferedImage palette(BufferedImage src) {
        for (int step = 1; ; step *= 2) {
            Map<Integer, Integer> index = new LinkedHashMap<>();
            int w = src.getWidth();
            int h = src.getHeight();
            int[] pixels = new int[w * h];
            for (int i = 0; i < pixels.length; i++) {
                int p = src.getRGB(i % w, i / w);
                int a = p >>> 24;
                p = a < 128 ? 0 : 0xff000000 | round(p >> 16, step) << 16 | round(p >> 8, step) << 8 | round(p, step);
                pixels[i] = index.computeIfAbsent(p, k -> index.size());
            }
            if (index.size() > 256) {
                continue;
            }
            int n = index.size();
            byte[] r = new byte[n];
            byte[] g = new byte[n];
            byte[] b = new byte[n];
            int transparent = -1;
            for (var e : index.entrySet()) {
                int p = e.getKey();
                r[e.getValue()] = (byte) (p >> 16);
                g[e.getValue()] = (byte) (p >> 8);
                b[e.getValue()] = (byte) p;
                if (p >>> 24 == 0) {
                    transparent = e.getValue();
                }
            }
            IndexColorModel cm = new IndexColorModel(8, n, r, g, b, transparent);
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
            out.getRaster().setPixels(0, 0, w, h, pixels);
            return out;
        }
    }

    private static int round(int channel, int step) {
        return Math.min(255, (channel & 0xff) / step * step + step / 2);
    }

    private static BufferedImage convert(BufferedImage flat, ColorSpace space) {
        ColorModel cm = new ComponentColorModel(space, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        BufferedImage out = new BufferedImage(cm, cm.createCompatibleWritableRaster(flat.getWidth(), flat.getHeight()), false, null);
        new ColorConvertOp(null).filter(flat, out);
        return out;
    }

    /** Inverted CMYK, as Adobe applications write it: 255 is no ink. */
    private static Raster cmyk(BufferedImage flat) {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, flat.getWidth(), flat.getHeight(), 4, null);
        int[] px = new int[4];
        for (int y = 0; y < flat.getHeight(); y++) {
            for (int x = 0; x < flat.getWidth(); x++) {
                int p = flat.getRGB(x, y);
                double r = ((p >> 16) & 0xff) / 255.0;
                double g = ((p >> 8) & 0xff) / 255.0;
                double b = (p & 0xff) / 255.0;
                double k = 1 - Math.max(r, Math.max(g, b));
                double d = k >= 1 ? 1 : 1 - k;
                px[0] = 255 - (int) Math.round(255 * (1 - r - k) / d);
                px[1] = 255 - (int) Math.round(255 * (1 - g - k) / d);
                px[2] = 255 - (int) Math.round(255 * (1 - b - k) / d);
                px[3] = 255 - (int) Math.round(255 * k);
                cmyk.setPixel(x, y, px);
            }
        }
        return cmyk;
    }

    private static IIOMetadataNode gAMA(int value) {
        IIOMetadataNode node = new IIOMetadataNode("gAMA");
        node.setAttribute("value", Integer.toString(value));
        return node;
    }

    private static IIOMetadataNode iCCP(ICC_Profile profile) {
        IIOMetadataNode node = new IIOMetadataNode("iCCP");
        node.setAttribute("profileName", "embedded");
        node.setAttribute("compressionMethod", "deflate");
        node.setUserObject(profile.getData());
        return node;
    }

    /** Writes with the format's ImageIO writer, adding one PNG chunk when {@code chunk} is given. */
    private static byte[] write(BufferedImage image, String format, IIOMetadataNode chunk) {
        return write(format, writer -> {
            IIOMetadata metadata = null;
            if (chunk != null) {
                metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), null);
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree("javax_imageio_png_1.0");
                root.appendChild(chunk);
                metadata.setFromTree("javax_imageio_png_1.0", root);
            }
            writer.write(new IIOImage(image, null, metadata));
        });
    }

    /** Baseline JPEG at quality 90, of an image or (for CMYK) a bare raster, which the JDK writes as four channels. */
    private static byte[] jpeg(Object imageOrRaster) {
        return write("jpeg", writer -> {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, imageOrRaster instanceof BufferedImage b ? new IIOImage(b, null, null)
                    : new IIOImage((Raster) imageOrRaster, null, null), param);
        });
    }

    /** What to write with an ImageIO writer whose output is set. */
    public interface Writing {
        void to(ImageWriter writer) throws IOException;
    }

    /** The bytes {@code writing} writes with the first ImageIO writer of {@code format}. */
    public static byte[] write(String format, Writing writing) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writing.to(writer);
            ios.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /**
     * The JPEG with Adobe's APP14 marker after its start of image (version 100, no flags, transform 0: CMYK as
     * stored), which tells readers that the four channels are CMYK written inverted.
     */
    private static byte[] adobe(byte[] jpeg) {
        byte[] app14 = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] out = new byte[jpeg.length + app14.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(app14, 0, out, 2, app14.length);
        System.arraycopy(jpeg, 2, out, 2 + app14.length, jpeg.length - 2);
        return out;
    }

    /** WebP with alpha, by Debian's {@code cwebp} with {@code options} (lossy at a quality, or lossless). */
    private static byte[] cwebp(byte[] png, String... options) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("crawlocr-webp");
            Path in = Files.write(dir.resolve("in.png"), png);
            Path out = dir.resolve("out.webp");
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("cwebp", "-quiet"));
            command.addAll(java.util.List.of(options));
            command.addAll(java.util.List.of(in.toString(), "-o", out.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("cwebp failed: " + log);
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run cwebp (Debian package 'webp', installed by scripts/services.sh)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary directory left behind is harmless
                }
            }
        }
    }
}
