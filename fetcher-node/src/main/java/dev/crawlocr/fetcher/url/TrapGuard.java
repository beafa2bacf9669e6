package dev.crawlocr.fetcher.url;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Drops URLs typical of crawler traps: overly long URLs, and paths that repeat one segment more often than allowed
 * ({@code /a/b/a/b/a/b/...} from relative links on error pages or calendars). Thread-safe and immutable.
 */
public final class TrapGuard {
    private final int maxLength;
    private final int maxRepeatedSegments;

    /**
     * @param maxLength           longest URL kept, in characters
     * @param maxRepeatedSegments how often one path segment may occur in a path
     */
    public TrapGuard(int maxLength, int maxRepeatedSegments) {
        this.maxLength = maxLength;
        this.maxRepeatedSegments = maxRepeatedSegments;
    }

    /** Why the (normalized) URL looks like a trap, or empty when it does not. */
    public Optional<String> check(String url) {
        if (url.length() > maxLength) {
            return Optional.of("URL longer than " + maxLength + " characters");
        }
        String path;
        try {
            path = URI.create(url).getRawPath();
        } catch (IllegalArgumentException e) {
            return Optional.of("unparsable URL");
        }
        if (path == null) {
            return Optional.empty();
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty() && counts.merge(segment, 1, Integer::sum) > maxRepeatedSegments) {
                return Optional.of("path repeats segment '" + segment + "' more than " + maxRepeatedSegments + " times");
            }
        }
        return Optional.empty();
    }
}
