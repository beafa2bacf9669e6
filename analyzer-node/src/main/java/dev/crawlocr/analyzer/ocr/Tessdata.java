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
    /** The languages value that picks languages per image. */
    public static final String AUTO = "auto";
    /** With {@value #AUTO}, every image is read with this language first. */
    public static final String AUTO_FIRST = "eng";
    private static final String SUFFIX = ".traineddata";
    /** Installed data that is not a language to read with: orientation and script detection, and equations. */
    private static final List<String> NOT_LANGUAGES = List.of("osd", "equ");

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
     * The languages {@value #AUTO} reads an image with when {@value #AUTO_FIRST} alone is not confident: every
     * other installed language, then {@value #AUTO_FIRST} (Tesseract prefers the first language, and these images
     * are mostly in another script); null when no other language is installed.
     */
    public String autoFallback() {
        List<String> others = installed.stream().filter(l -> !l.equals(AUTO_FIRST) && !NOT_LANGUAGES.contains(l)).toList();
        return others.isEmpty() ? null : String.join("+", others) + "+" + AUTO_FIRST;
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
