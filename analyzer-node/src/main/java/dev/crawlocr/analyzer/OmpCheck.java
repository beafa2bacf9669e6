package dev.crawlocr.analyzer;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when {@code OMP_THREAD_LIMIT=1} is missing. Tesseract's OpenMP threads multiply with the analyzer's own
 * workers, and the oversubscription makes parallel OCR several times slower. The variable must be set before the
 * process starts (the launch scripts and images do), so the node can only warn.
 */
final class OmpCheck {
    private static final Logger log = LoggerFactory.getLogger(OmpCheck.class);

    /** Returns the warning logged, or null when the limit is set to 1. */
    static String warnIfUnlimited(Map<String, String> env) {
        String value = env.get("OMP_THREAD_LIMIT");
        if ("1".equals(value == null ? null : value.trim())) {
            return null;
        }
        String warning = "OMP_THREAD_LIMIT is " + (value == null ? "not set" : "'" + value + "'")
                + ": set OMP_THREAD_LIMIT=1 before starting the analyzer. Tesseract's OpenMP threads oversubscribe the CPU"
                + " alongside the OCR workers and make OCR several times slower.";
        log.warn("!!! {}", warning);
        return warning;
    }

    private OmpCheck() {
    }
}
