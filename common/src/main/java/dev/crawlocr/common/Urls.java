package dev.crawlocr.common;

import crawlercommons.filters.basic.BasicURLNormalizer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The identity of a URL across the pipeline. Every URL is normalized with crawler-commons
 * {@link BasicURLNormalizer} (lower-case scheme and host, default port dropped, fragment dropped, dot segments
 * resolved, percent-encoding fixed, optional tracking parameters removed) before it is hashed, compared or keyed,
 * by whichever node or tool first sees it.
 */
public final class Urls {
    private final BasicURLNormalizer normalizer;

    /** @param trackingParameters query parameters removed from every URL (e.g. utm_source); may be empty */
    public Urls(Collection<String> trackingParameters) {
        this.normalizer = BasicURLNormalizer.newBuilder().queryParamsToRemove(trackingParameters).build();
    }

    /** The normalized http(s) URL, or empty when it is not a valid absolute http or https URL. */
    public Optional<String> normalize(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String lower = url.trim().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            return Optional.empty();
        }
        String n = normalizer.filter(url.trim());
        if (n == null || hostKey(n).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /**
     * The politeness and partition key of a URL: its lower-case host, plus ":port" when the port is not the
     * scheme's default (robots.txt and per-host limits apply per host and port). Empty for an unparsable URL.
     */
    public static Optional<String> hostKey(String url) {
        try {
            URI u = new URI(url);
            String host = u.getHost();
            if (host == null || host.isEmpty()) {
                return Optional.empty();
            }
            host = host.toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1 || ("http".equalsIgnoreCase(u.getScheme()) && port == 80)
                    || ("https".equalsIgnoreCase(u.getScheme()) && port == 443);
            return Optional.of(defaultPort ? host : host + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
