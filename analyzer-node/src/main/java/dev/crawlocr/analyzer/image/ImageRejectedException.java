package dev.crawlocr.analyzer.image;

/**
 * An image the analyzer refuses or cannot read. The same bytes would fail the same way again, so it is not retried.
 * {@link #reason()} is a short stable code for metrics and dead letters; the message says what was wrong.
 */
public class ImageRejectedException extends RuntimeException {
    /** More bytes than IMAGE_MAX_BYTES. */
    public static final String TOO_MANY_BYTES = "too_many_bytes";
    /** Header dimensions past the pixel budget (decompression bombs). */
    public static final String TOO_MANY_PIXELS = "too_many_pixels";
    /** No decoder recognises the bytes. */
    public static final String UNSUPPORTED_FORMAT = "unsupported_format";
    /** A decoder recognised the format but the data is broken (truncated, corrupt). */
    public static final String CORRUPT = "corrupt_image";

    private final String reason;

    public ImageRejectedException(String reason, String message) {
        this(reason, message, null);
    }

    public ImageRejectedException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
