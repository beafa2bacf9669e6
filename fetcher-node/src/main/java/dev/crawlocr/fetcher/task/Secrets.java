package dev.crawlocr.fetcher.task;

import dev.crawlocr.common.message.RequestSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Resolves the {@code ${secret:NAME}} references in a crawl's request headers on this fetcher: from the file
 * {@code NAME} in the secrets directory ({@code FETCHER_SECRETS_DIR}, where Docker and Kubernetes mount secrets),
 * else from the environment variable {@code CRAWLOCR_SECRET_NAME}. Only that prefix is read, so a crawl cannot ask
 * for any other variable of the node. Values are read for every task, so a rotated secret takes effect at once,
 * and they are never logged or put in a message: a missing secret is named, never a value. Thread-safe.
 */
public final class Secrets {
    /** The prefix of environment variables that hold secrets. */
    public static final String ENV_PREFIX = "CRAWLOCR_SECRET_";

    /** A secret a crawl's headers reference is on neither this fetcher's secrets directory nor its environment. */
    public static final class MissingSecret extends Exception {
        MissingSecret(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final Map<String, String> env;

    /** @param env the node's environment (only {@value #ENV_PREFIX} variables are read) */
    public Secrets(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** The headers with every secret reference replaced by its value. */
    public Map<String, String> resolve(Map<String, String> headers) throws MissingSecret {
        if (headers.isEmpty()) {
            return headers;
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            Matcher m = RequestSettings.SECRET.matcher(h.getValue());
            StringBuilder value = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(value, Matcher.quoteReplacement(value(m.group(1))));
            }
            m.appendTail(value);
            resolved.put(h.getKey(), value.toString());
        }
        return Collections.unmodifiableMap(resolved);
    }

    private String value(String name) throws MissingSecret {
        String value = lookUp(name);
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new MissingSecret("secret " + name + " holds a line break, which a header cannot carry; the request was not sent");
        }
        return value;
    }

    private String lookUp(String name) throws MissingSecret {
        Path file = dir.resolve(name);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            throw new MissingSecret("secret " + name + " cannot be read from " + file + " on this fetcher: " + e.getClass().getSimpleName());
        }
        String fromEnv = env.get(ENV_PREFIX + name);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        throw new MissingSecret("secret " + name + " is not set on this fetcher: no file " + file + " and no environment variable "
                + ENV_PREFIX + name + "; the request was not sent");
    }
}
