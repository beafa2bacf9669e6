package dev.crawlocr.analyzer.ocr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The languages installed in one tessdata directory ({@code *.traineddata}). Immutable and thread-safe; the
 * directory is listed once, at construction.
 */
public final class Tessdata {
    private static final String SUFFIX = ".traineddata";

    private final Path dir;
    private final SortedSet<String> installed;

    public Tessdata(Path dir) {
        this.dir = dir;
        SortedSet<String> names = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                        .forEach(n -> names.add(n.substring(0, n.length() - SUFFIX.length())));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list tessdata directory " + dir, e);
            }
        }
        this.installed = java.util.Collections.unmodifiableSortedSet(names);
    }

    public Path dir() {
        return dir;
    }

    /** Installed language names, sorted (e.g. eng, kor, osd). */
    public SortedSet<String> installed() {
        return installed;
    }

    /**
     * Checks a '+'-joined language list and returns it trimmed.
     *
     * @throws UnknownLanguageException naming the unknown languages and listing the installed ones
     */
    public String check(String languages) {
        List<String> parts = Arrays.stream(languages == null ? new String[0] : languages.split("\\+"))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (parts.isEmpty()) {
            throw new UnknownLanguageException("No OCR language given; installed in " + dir + ": " + String.join(", ", installed));
        }
        List<String> unknown = parts.stream().filter(p -> !installed.contains(p) || p.contains("/") || p.contains("..")).toList();
        if (!unknown.isEmpty()) {
            throw new UnknownLanguageException("Unknown OCR language " + String.join(", ", unknown.stream().map(u -> "'" + u + "'").toList())
                    + ": installed in " + dir + " are " + (installed.isEmpty() ? "none" : String.join(", ", installed)));
        }
        return String.join("+", parts);
    }

    /** A requested language has no traineddata file. */
    public static final class UnknownLanguageException extends IllegalArgumentException {
        public UnknownLanguageException(String message) {
            super(message);
        }
    }
}
