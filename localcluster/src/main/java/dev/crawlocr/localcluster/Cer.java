package dev.crawlocr.localcluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores OCR against the known text: the character error rate (edit distance between expected and actual text over
 * the expected length, whitespace folded), and the lines that were not read at all.
 */
public final class Cer {

    public static double of(String expected, String actual) {
        String e = normalize(expected);
        String a = normalize(actual);
        if (e.isEmpty()) {
            return a.isEmpty() ? 0 : 1;
        }
        return (double) levenshtein(e, a) / e.length();
    }

    /** Collapses runs of whitespace (line breaks included) to one space and trims. */
    public static String normalize(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    /**
     * The expected lines missing from what was read: a line counts as read when some stretch of the text read
     * matches it with at most half of its characters wrong (spaces ignored, so merged or split words still count).
     */
    public static List<String> droppedLines(String expected, String actual) {
        String read = actual.replaceAll("\\s+", "");
        List<String> dropped = new ArrayList<>();
        for (String line : expected.split("\n")) {
            String chars = line.replaceAll("\\s+", "");
            if (2 * bestMatchErrors(chars, read) > chars.length()) {
                dropped.add(line);
            }
        }
        return dropped;
    }

    /** The fewest edits that turn {@code needle} into some substring of {@code haystack} (semi-global alignment). */
    public static int bestMatchErrors(String needle, String haystack) {
        return editDistance(needle, haystack, true);
    }

    static int levenshtein(String a, String b) {
        return editDistance(a, b, false);
    }

    /** Edits that turn {@code a} into {@code b}, or with {@code anywhere} into the best substring of {@code b}. */
    private static int editDistance(String a, String b, boolean anywhere) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = anywhere ? 0 : j; // anywhere: the match may start at any position of b for free
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        if (!anywhere) {
            return prev[b.length()];
        }
        int best = a.length();
        for (int v : prev) {
            best = Math.min(best, v);
        }
        return best;
    }

    private Cer() {
    }
}
