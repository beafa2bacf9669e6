package dev.crawlocr.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** Content and URL hashes. SHA-256 throughout; URL hashes keep the first 128 bits. */
public final class Hashes {
    private static final HexFormat HEX = HexFormat.of();

    /** SHA-256 of the bytes, 64 lower-case hex digits. */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256(bytes));
    }

    /** 128-bit hash of a normalized URL, as 16 bytes (a {@code bytea} key in the registry). */
    public static byte[] urlHash(String normalizedUrl) {
        return Arrays.copyOf(sha256(normalizedUrl.getBytes(StandardCharsets.UTF_8)), 16);
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private Hashes() {
    }
}
