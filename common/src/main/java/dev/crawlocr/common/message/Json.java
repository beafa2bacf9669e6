package dev.crawlocr.common.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * JSON for message values. Unknown fields are ignored (newer producers may add some), so a misspelt field name is
 * ignored too. An absent field takes its documented default at every depth, so a hand-written record (kcat) needs
 * only the required ones and a nested object only the fields it changes: in a record with a {@code defaults()}
 * factory ({@link Politeness}, {@link CrawlScope}, {@link OcrSettings}) it takes that instance's value
 * ({@code RecordDefaults}); in any other record it arrives as null, 0 or false and the compact constructor turns
 * that into the default. A missing required field (each record's constructor checks them), an invalid value, bad
 * syntax or an unsupported schema version throws {@link BadRecordException} with the reason, naming the field.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(RecordDefaults.module())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) {
            throw new BadRecordException("Empty value where a " + type.getSimpleName() + " was expected");
        }
        try {
            return MAPPER.readValue(bytes, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new BadRecordException("Invalid " + type.getSimpleName() + ": " + cause.getMessage(), e);
        } catch (IOException e) {
            throw new BadRecordException("Unreadable " + type.getSimpleName() + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** The first line of an exception's message (Jackson's add the location on the next); "no detail" for null. */
    public static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private Json() {
    }
}
