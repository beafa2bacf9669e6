package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.common.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Durable "OCR in progress" markers, one file per content hash under {@code <stateDir>/attempts}. A marker is
 * written (and synced) before an image is recognised and removed once its outcome is decided, so a marker found
 * at the start of an attempt means an earlier attempt killed the process (a native crash). Counting those
 * attempts lets the analyzer break a crash loop instead of dying on the same redelivered image forever.
 *
 * <p>Thread-safe for distinct hashes; one image is handled by one worker at a time.
 */
public final class AttemptMarkers {
    private final Path dir;

    public AttemptMarkers(Path stateDir) {
        this.dir = stateDir.resolve("attempts");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the attempt marker directory " + dir + " (ANALYZER_STATE_DIR)", e);
        }
    }

    /** Records the start of an attempt; returns how many earlier attempts never finished. */
    public int begin(String contentHash) {
        Path file = file(contentHash);
        int earlier = 0;
        try {
            if (Files.exists(file)) {
                earlier = Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException | NumberFormatException e) {
            earlier = 1;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(Integer.toString(earlier + 1).getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write attempt marker " + file, e);
        }
        return earlier;
    }

    /** The outcome is decided: forget the attempts. */
    public void end(String contentHash) {
        try {
            Files.deleteIfExists(file(contentHash));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove attempt marker for " + contentHash, e);
        }
    }

    /** Markers present now (attempts in progress or interrupted by a crash). */
    public long pending() {
        try (var files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private Path file(String contentHash) {
        String name = contentHash.matches("[0-9a-f]{16,128}") ? contentHash
                : Hashes.sha256Hex(contentHash.getBytes(StandardCharsets.UTF_8));
        return dir.resolve(name);
    }
}
