package dev.crawlocr.common.message;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Argument checks for message constructors; each failure names the field. */
final class Check {
    static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The field '" + field + "' must not be empty.");
        }
        return value;
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("The field '" + field + "' must not be null.");
        }
        return value;
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    /** Counts by name, sorted by name; null is empty. Each count must be >= 0. */
    static Map<String, Integer> counts(Map<String, Integer> value, String field) {
        if (value == null) {
            return Map.of();
        }
        value.forEach((name, n) -> atLeast(present(n, field + "." + name), 0, field + "." + name));
        return Collections.unmodifiableMap(new TreeMap<>(value));
    }

    static void schema(int schema, int supported, String type) {
        if (schema != supported) {
            throw new IllegalArgumentException("Unsupported schema " + schema + " for " + type + ": this node reads schema " + supported + ".");
        }
    }

    static long atLeast(long value, long min, String field) {
        if (value < min) {
            throw new IllegalArgumentException("The field '" + field + "' must be >= " + min + ", was " + value + ".");
        }
        return value;
    }

    private Check() {
    }
}
