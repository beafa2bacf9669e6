package dev.crawlocr.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Declares each configuration key once: its name, type, default, check and a one-line doc. Values come from
 * environment variables ({@code FETCHER_MAX_INFLIGHT=300}) or flags ({@code --fetcher-max-inflight=300});
 * flags win. {@link #parse} collects every problem before failing.
 */
public final class ConfigDef {

    /** A value type and how to read it from text. */
    public enum Type {
        STRING(s -> s),
        PASSWORD(s -> s),
        INT(Integer::parseInt),
        LONG(Long::parseLong),
        DOUBLE(Double::parseDouble),
        BOOLEAN(ConfigDef::parseBoolean),
        /** "250ms", "5s", "2m", "1h"; a bare number is milliseconds. */
        DURATION(ConfigDef::parseDuration),
        /** "512", "64KB", "10MB", "1GB" (binary units). */
        BYTES(ConfigDef::parseBytes),
        /** Comma-separated, blanks dropped. */
        LIST(s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());

        private final Function<String, Object> parser;

        Type(Function<String, Object> parser) {
            this.parser = parser;
        }
    }

    /** One declared key. {@code check} may be null; {@code checkDoc} says what it requires. */
    public record Field(String name, Type type, String defaultValue, Predicate<Object> check, String checkDoc, String doc) {
    }

    private final Map<String, Field> fields = new LinkedHashMap<>();

    public ConfigDef define(String name, Type type, String defaultValue, String doc) {
        return define(name, type, defaultValue, null, null, doc);
    }

    public ConfigDef define(String name, Type type, String defaultValue, Predicate<Object> check, String checkDoc, String doc) {
        if (fields.putIfAbsent(name, new Field(name, type, defaultValue, check, checkDoc, doc)) != null) {
            throw new IllegalArgumentException("Config key defined twice: " + name);
        }
        return this;
    }

    /** Adds every field of another definition (shared Kafka or ops keys). */
    public ConfigDef include(ConfigDef other) {
        other.fields.values().forEach(f -> define(f.name, f.type, f.defaultValue, f.check, f.checkDoc, f.doc));
        return this;
    }

    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    public static Predicate<Object> atLeast(long min) {
        return v -> ((Number) v).longValue() >= min;
    }

    public static Predicate<Object> between(long min, long max) {
        return v -> ((Number) v).longValue() >= min && ((Number) v).longValue() <= max;
    }

    public static Predicate<Object> positiveDuration() {
        return v -> !((Duration) v).isNegative() && !((Duration) v).isZero();
    }

    /**
     * Reads every field from flags, then the environment, then the default.
     *
     * @throws ConfigException listing every invalid value, missing required key and unknown flag
     */
    public Config parse(Map<String, String> env, String... args) {
        List<String> problems = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                problems.add("Unrecognised argument '" + arg + "': use --name=value, e.g. --kafka-bootstrap-servers=host:9092");
                continue;
            }
            String key = arg.substring(2, arg.indexOf('=')).toUpperCase(Locale.ROOT).replace('-', '_');
            if (!fields.containsKey(key)) {
                problems.add("Unknown flag '" + arg.substring(0, arg.indexOf('=')) + "'");
                continue;
            }
            flags.put(key, arg.substring(arg.indexOf('=') + 1));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : fields.values()) {
            String raw = flags.containsKey(f.name) ? flags.get(f.name) : env.get(f.name);
            if (raw == null || raw.isBlank()) {
                raw = f.defaultValue;
            }
            if (raw == null) {
                problems.add("Missing value for " + f.name + ": " + f.doc);
                continue;
            }
            Object value;
            try {
                value = f.type.parser.apply(raw.trim());
            } catch (RuntimeException e) {
                problems.add("Invalid value " + shown(f, raw) + " for " + f.name + ": expected " + describe(f.type));
                continue;
            }
            if (f.check != null && !f.check.test(value)) {
                problems.add("Invalid value " + shown(f, raw) + " for " + f.name + ": must be " + f.checkDoc);
                continue;
            }
            values.put(f.name, value);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Config(this, values);
    }

    private static String shown(Field f, String raw) {
        return f.type == Type.PASSWORD ? "[hidden]" : raw;
    }

    private static String describe(Type type) {
        return switch (type) {
            case INT, LONG -> "a whole number";
            case DOUBLE -> "a number";
            case BOOLEAN -> "true or false";
            case DURATION -> "a duration such as 500ms, 5s, 2m or 1h";
            case BYTES -> "a size such as 512KB or 10MB";
            default -> "text";
        };
    }

    static boolean parseBoolean(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(s);
        };
    }

    /** Reads "250ms", "5s", "2m", "1h" or "1d"; a bare number is milliseconds. */
    public static Duration parseDuration(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
        }
        char unit = t.charAt(t.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofMillis(Long.parseLong(t));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1).trim());
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException(s);
        };
    }

    public static long parseBytes(String s) {
        String t = s.toUpperCase(Locale.ROOT).replace("IB", "B");
        long mult = 1;
        if (t.endsWith("KB")) {
            mult = 1L << 10;
        } else if (t.endsWith("MB")) {
            mult = 1L << 20;
        } else if (t.endsWith("GB")) {
            mult = 1L << 30;
        }
        String digits = mult == 1 ? (t.endsWith("B") ? t.substring(0, t.length() - 1) : t) : t.substring(0, t.length() - 2);
        long n = Long.parseLong(digits.trim());
        if (n < 0) {
            throw new IllegalArgumentException(s);
        }
        return Math.multiplyExact(n, mult);
    }
}
