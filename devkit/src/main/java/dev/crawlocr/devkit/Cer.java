package dev.crawlocr.devkit;

/** Character error rate: edit distance between expected and actual text over the expected length, whitespace folded. */
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

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
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
        return prev[b.length()];
    }

    private Cer() {
    }
}
