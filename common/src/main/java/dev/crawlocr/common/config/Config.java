package dev.crawlocr.common.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Parsed, checked configuration values. Nodes copy these into their own immutable config record. */
public final class Config {
    private final ConfigDef def;
    private final Map<String, Object> values;

    Config(ConfigDef def, Map<String, Object> values) {
        this.def = def;
        this.values = Map.copyOf(values);
    }

    public String string(String name) {
        return (String) get(name);
    }

    public int integer(String name) {
        return (Integer) get(name);
    }

    public long longValue(String name) {
        return (Long) get(name);
    }

    public double doubleValue(String name) {
        return (Double) get(name);
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    public Duration duration(String name) {
        return (Duration) get(name);
    }

    public long bytes(String name) {
        return (Long) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        return (List<String>) get(name);
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("No config key " + name + " was declared");
        }
        return v;
    }

    /** One line per key, in declaration order, with passwords shown as [hidden]. For the start-up log. */
    public String describe() {
        return def.fields().stream()
                .map(f -> "  " + f.name() + "=" + (f.type() == ConfigDef.Type.PASSWORD ? "[hidden]" : values.get(f.name())))
                .collect(Collectors.joining("\n"));
    }
}
