package dev.crawlocr.common.message;

/** A record that can never be processed: invalid JSON, an unknown schema, a missing field. Goes to the dead-letter topic. */
public class BadRecordException extends RuntimeException {
    public BadRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    public BadRecordException(String message) {
        super(message);
    }
}
