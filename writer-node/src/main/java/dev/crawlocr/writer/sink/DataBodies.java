package dev.crawlocr.writer.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.common.message.UrlKind;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;

/**
 * What {@code pages} stores of a response kept as data. Its text: as it came, except that NUL characters, which
 * PostgreSQL's text cannot hold, become U+FFFD. A JSON body (a FETCHED page whose base content type is JSON) also
 * goes to {@code body_json}, or, when jsonb cannot hold it, to a {@code body_note} saying why: malformed, cut at the
 * body cap, holding {@code \u0000} or an unpaired surrogate, or a number beyond PostgreSQL's numeric. Thread-safe.
 */
final class DataBodies {

    /** A JSON body as the {@code body_json} and {@code body_note} columns take it; both null for any other outcome. */
    record JsonColumns(String json, String note) {
        static final JsonColumns NONE = new JsonColumns(null, null);

        static JsonColumns note(String note) {
            return new JsonColumns(null, note);
        }
    }

    static final String CUT = "cut at the crawl's body cap: not parsed as JSON";
    /** HTML's text comes from the parser, with NUL characters dropped as other text columns drop them. */
    private static final Set<String> PARSED_TYPES = Set.of("text/html", "application/xhtml+xml");
    /** PostgreSQL's numeric: at most 131,072 digits before the decimal point and 16,383 after. */
    private static final int NUMERIC_INTEGER_DIGITS = 131_072;
    private static final int NUMERIC_FRACTION_DIGITS = 16_383;
    private static final ObjectReader READER = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    /** The text column of a page: a data body's NULs kept in place as U+FFFD; other text as it is (the column drops NULs). */
    static String text(FetchResult r) {
        String text = r.text();
        if (text == null || text.indexOf('\0') < 0 || !isData(r)) {
            return text;
        }
        return text.replace('\0', '\uFFFD');
    }

    /** The {@code body_json} and {@code body_note} of an outcome. */
    static JsonColumns json(FetchResult r) {
        if (!isData(r) || !RequestSettings.isJson(RequestSettings.baseType(r.contentType()))) {
            return JsonColumns.NONE;
        }
        if (r.truncated()) {
            return JsonColumns.note(CUT);
        }
        JsonNode node;
        try {
            node = READER.readTree(r.text());
        } catch (JsonProcessingException e) {
            return JsonColumns.note("malformed JSON: " + Json.firstLine(e.getMessage()));
        }
        if (node == null || node.isMissingNode()) {
            return JsonColumns.note("malformed JSON: empty body");
        }
        String problem = unstorable(node);
        return problem == null ? new JsonColumns(r.text(), null) : JsonColumns.note(problem);
    }

    /** A fetched page whose text is a body kept as it came, not text a parser made. */
    private static boolean isData(FetchResult r) {
        String type = RequestSettings.baseType(r.contentType());
        return r.status() == FetchStatus.FETCHED && r.kind() == UrlKind.PAGE && r.text() != null && type != null
                && !PARSED_TYPES.contains(type);
    }

    /** Why jsonb would refuse a value that Jackson read, or null when it takes it. */
    private static String unstorable(JsonNode root) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode n = todo.pop();
            if (n.isTextual()) {
                String problem = unstorable(n.textValue());
                if (problem != null) {
                    return problem;
                }
            } else if (n.isBigDecimal() && !fitsNumeric(n.decimalValue())) {
                return "JSON holds the number " + abbreviate(n.decimalValue().toString()) + ", beyond PostgreSQL's numeric";
            } else if (n.isObject()) {
                for (Map.Entry<String, JsonNode> field : n.properties()) {
                    String problem = unstorable(field.getKey());
                    if (problem != null) {
                        return problem;
                    }
                    todo.push(field.getValue());
                }
            } else if (n.isArray()) {
                n.forEach(todo::push);
            }
        }
        return null;
    }

    private static String unstorable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') {
                return "JSON holds \\u0000, which PostgreSQL's jsonb cannot store";
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "JSON holds an unpaired surrogate escape, which PostgreSQL's jsonb cannot store";
            }
        }
        return null;
    }

    private static boolean fitsNumeric(BigDecimal d) {
        return d.scale() <= NUMERIC_FRACTION_DIGITS && (d.signum() == 0 || d.precision() - d.scale() <= NUMERIC_INTEGER_DIGITS);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private DataBodies() {
    }
}
