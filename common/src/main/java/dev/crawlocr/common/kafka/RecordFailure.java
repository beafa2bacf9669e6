package dev.crawlocr.common.kafka;

/**
 * A per-item failure that a handler has already retried: the record goes to the dead-letter topic with
 * {@code attempts} in its headers, and the consumer moves on.
 */
public class RecordFailure extends RuntimeException {
    private final int attempts;

    public RecordFailure(String message, int attempts, Throwable cause) {
        super(message, cause);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
