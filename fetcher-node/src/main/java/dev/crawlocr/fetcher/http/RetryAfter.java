package dev.crawlocr.fetcher.http;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
public final class RetryAfter {

    /** Milliseconds to wait from {@code nowMs}, 0 for a date in the past, or -1 when absent or unreadable. */
    public static long parseMs(String header, long nowMs) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String h = header.trim();
        if (h.chars().allMatch(Character::isDigit)) {
            try {
                return Math.multiplyExact(Long.parseLong(h), 1000L);
            } catch (ArithmeticException | NumberFormatException e) {
                return Long.MAX_VALUE;
            }
        }
        try {
            long at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, at - nowMs);
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    private RetryAfter() {
    }
}
