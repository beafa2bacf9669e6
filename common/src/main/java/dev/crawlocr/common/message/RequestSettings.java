package dev.crawlocr.common.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a crawl's requests are made and which responses are kept as data. Every field is optional: an absent one
 * takes its value in {@link #defaults()}, given here.
 *
 * @param headers      request headers sent with every request of the crawl (robots.txt included), by name. A value may
 *                     reference secrets as {@code ${secret:NAME}}: the job holds the reference, and each fetcher
 *                     resolves it from its own secrets directory or environment, so the value never travels or is
 *                     stored; default empty
 * @param acceptTypes  media types kept as data (for example {@code application/json}, {@code text/csv}): a page
 *                     task's response of one of them is stored as it came, up to {@code bodyMaxBytes}, and JSON also
 *                     as jsonb; a page type (HTML) is parsed as a page all the same. Page requests list these types
 *                     first in their Accept header. Only textual types: {@code text/*}, JSON and XML types, and
 *                     {@link #TEXTUAL_TYPES}; default empty
 * @param bodyMaxBytes the most bytes of a data response that are stored; longer ones are cut and marked truncated;
 *                     1 to {@value #BODY_MAX_BYTES_LIMIT}; default {@value #DEFAULT_BODY_MAX_BYTES}
 * @param ignoreRobots true to send no robots.txt request and apply no robots.txt rule, for a service whose contract
 *                     allows its API to be called; default false
 */
public record RequestSettings(Map<String, String> headers, List<String> acceptTypes, long bodyMaxBytes, boolean ignoreRobots) {

    public static final long DEFAULT_BODY_MAX_BYTES = 256 * 1024;
    /** A data response travels inside one JSON record of {@code crawl.pages}, which is capped at 1 MiB. */
    public static final long BODY_MAX_BYTES_LIMIT = 512 * 1024;
    /** Textual media types that are kept as data although they are neither text/*, JSON nor XML. */
    public static final Set<String> TEXTUAL_TYPES = Set.of("application/csv", "application/x-ndjson", "application/yaml",
            "application/x-yaml", "application/javascript", "application/sql");

    /** {@code ${secret:NAME}} in a header value. */
    public static final Pattern SECRET = Pattern.compile("\\$\\{secret:([A-Za-z_][A-Za-z0-9_]*)}");
    /** Where a secret reference starts, well-formed or not. */
    private static final Pattern SECRET_START = Pattern.compile("\\$\\{secret:");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers that belong to the connection or the fetcher, not to a crawl. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection", "upgrade",
            "te", "trailer", "keep-alive", "proxy-connection", "accept-encoding");

    public RequestSettings {
        Map<String, String> h = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> h.put(checkName(name), checkValue(name, value)));
        }
        headers = Collections.unmodifiableMap(h);
        acceptTypes = Check.list(acceptTypes).stream().map(RequestSettings::checkType).distinct().toList();
        Check.atLeast(bodyMaxBytes, 1, "bodyMaxBytes");
        if (bodyMaxBytes > BODY_MAX_BYTES_LIMIT) {
            throw new IllegalArgumentException("The field 'bodyMaxBytes' must be <= " + BODY_MAX_BYTES_LIMIT + ", was " + bodyMaxBytes + ".");
        }
    }

    /** The settings of a crawl that sets none; absent JSON fields take their values from it. */
    public static RequestSettings defaults() {
        return new RequestSettings(Map.of(), List.of(), DEFAULT_BODY_MAX_BYTES, false);
    }

    /** True when a response of {@code baseType} (lower case, without parameters) is kept as data. */
    public boolean keeps(String baseType) {
        return baseType != null && acceptTypes.contains(baseType);
    }

    /** The base media type of a Content-Type header: "text/csv" from "Text/CSV; charset=utf-8"; null when absent or blank. */
    public static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        String t = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? null : t;
    }

    /** True for JSON media types: {@code application/json} and {@code *}{@code /*+json}. */
    public static boolean isJson(String baseType) {
        return baseType != null && (baseType.endsWith("/json") || baseType.endsWith("+json"));
    }

    /** True for a valid HTTP header name (an RFC 9110 token). */
    public static boolean isHeaderName(String name) {
        return name != null && TOKEN.matcher(name).matches();
    }

    private static String checkName(String name) {
        if (!isHeaderName(name)) {
            throw new IllegalArgumentException("Invalid header name '" + name + "' in the field 'headers'.");
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("The header '" + name + "' in the field 'headers' is set by the fetcher, not by a crawl.");
        }
        return name;
    }

    private static String checkValue(String name, String value) {
        if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("The value of header '" + name + "' in the field 'headers' must be one line of text.");
        }
        if (SECRET_START.matcher(value).results().count() != SECRET.matcher(value).results().count()) {
            throw new IllegalArgumentException("The value of header '" + name + "' holds a malformed secret reference: write ${secret:NAME},"
                    + " NAME made of letters, digits and '_'.");
        }
        return value;
    }

    private static String checkType(String type) {
        String t = Check.text(type, "acceptTypes").trim().toLowerCase(Locale.ROOT);
        boolean textual = t.startsWith("text/") || isJson(t) || t.endsWith("/xml") || t.endsWith("+xml") || TEXTUAL_TYPES.contains(t);
        if (!textual || t.contains(";") || t.contains("*")) {
            throw new IllegalArgumentException("The field 'acceptTypes' holds '" + type + "': give textual media types without parameters,"
                    + " such as application/json, text/csv, application/xml or text/plain.");
        }
        return t;
    }
}
