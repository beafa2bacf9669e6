package dev.crawlocr.it.hostile;

import dev.crawlocr.devkit.TextImages;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Image bytes that lie: bombs, corrupt and truncated files. Each call returns distinct bytes (distinct content hashes). */
final class HostileImages {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * A decompression bomb: a valid PNG header declaring {@code width} x {@code height} 8-bit gray pixels, with a
     * few hundred bytes of compressed zeros as data. Decoding it would allocate width x height bytes.
     */
    static byte[] pngBomb(int width, int height) {
        byte[] zeros = new byte[1 << 20];
        Deflater d = new Deflater(9);
        d.setInput(zeros);
        d.finish();
        byte[] buf = new byte[8192];
        int n = d.deflate(buf);
        d.end();
        return png(ihdr(width, height), Arrays.copyOf(buf, n));
    }

    /** A PNG signature and header, then image data that is not zlib at all. */
    static byte[] corruptPng() {
        byte[] junk = "these bytes are not a zlib stream; a decoder must refuse them cleanly".repeat(20).getBytes(StandardCharsets.US_ASCII);
        return png(ihdr(200, 60), junk);
    }

    /** A real rendered PNG with text, cut in half. */
    static byte[] truncatedPng() {
        byte[] whole = TextImages.png(List.of("TRUNCATED IMAGE"), "DejaVu Sans", 32, false);
        return Arrays.copyOf(whole, whole.length / 2);
    }

    /** A real, readable PNG with the given text (a control: it must OCR fine next to the hostile ones). */
    static byte[] text(String line) {
        return TextImages.png(List.of(line), "DejaVu Sans", 32, false);
    }

    private static byte[] ihdr(int width, int height) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeInt(width);
            out.writeInt(height);
            out.writeByte(8); // bit depth
            out.writeByte(0); // gray
            out.writeByte(0); // deflate
            out.writeByte(0); // adaptive filtering
            out.writeByte(0); // no interlace
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    private static byte[] png(byte[] ihdr, byte[] idat) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.write(PNG_SIGNATURE);
            chunk(out, "IHDR", ihdr);
            chunk(out, "IDAT", idat);
            chunk(out, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt(data.length);
        out.write(t);
        out.write(data);
        out.writeInt((int) crc.getValue());
    }

    private HostileImages() {
    }
}
