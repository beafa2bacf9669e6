package dev.crawlocr.writer.registry;

/** Escapes values for PostgreSQL's COPY text format: NULL is {@code \N}; backslash, tab, newline and CR are escaped. */
final class CopyText {

    static String escape(String value) {
        if (value == null) {
            return "\\N";
        }
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            String rep = switch (ch) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\0' -> "";
                default -> null;
            };
            if (rep != null && sb == null) {
                sb = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (sb != null) {
                sb.append(rep != null ? rep : String.valueOf(ch));
            }
        }
        return sb == null ? value : sb.toString();
    }

    private CopyText() {
    }
}
