package dev.crawlocr.fetcher.url;

import crawlercommons.domains.EffectiveTldFinder;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.UrlKind;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One crawl's scope, compiled: which normalized URLs it follows. Pages must be on an allowed host (exact host or
 * host:port) or registered domain (crawler-commons {@link EffectiveTldFinder}; example.com allows
 * www.example.com), within the maximum depth, match an include pattern when there are any, match no exclude
 * pattern, and not end in a denied extension ({@code .pdf} is denied exactly when the crawl does not fetch PDFs). With no hosts and no domains configured, the seeds' hosts are the
 * allowed hosts. Images may come from any host (sites serve them from CDNs) but obey the patterns, and are only
 * followed when the crawl fetches images. An invalid pattern puts every URL out of scope, naming the pattern.
 * Immutable and thread-safe.
 */
public final class CrawlScopeFilter {
    private final CrawlScope scope;
    private final Set<String> hosts = new HashSet<>();
    private final Set<String> domains = new HashSet<>();
    private final List<Pattern> includes = new ArrayList<>();
    private final List<Pattern> excludes = new ArrayList<>();
    private final Set<String> deniedExtensions = new HashSet<>();
    private String invalid;

    public CrawlScopeFilter(CrawlJob job) {
        this.scope = job.scope();
        scope.allowedHosts().forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        scope.allowedDomains().forEach(d -> domains.add(d.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "")));
        if (hosts.isEmpty() && domains.isEmpty()) {
            for (String seed : job.seeds()) {
                Urls.hostKey(seed).ifPresent(hosts::add);
            }
        }
        compile(scope.includePatterns(), includes);
        compile(scope.excludePatterns(), excludes);
        scope.deniedExtensions().forEach(e -> deniedExtensions.add(e.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "")));
        if (scope.fetchesPdfs()) {
            deniedExtensions.remove("pdf");
        } else {
            deniedExtensions.add("pdf");
        }
    }

    private void compile(List<String> patterns, List<Pattern> out) {
        for (String p : patterns) {
            try {
                out.add(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                invalid = "invalid-pattern: '" + p + "': " + e.getDescription();
            }
        }
    }

    /** Why a normalized URL at {@code depth} is out of scope ("category: detail"), or empty when it is in. */
    public Optional<String> check(String url, UrlKind kind, int depth) {
        if (invalid != null) {
            return Optional.of(invalid);
        }
        if (kind == UrlKind.IMAGE && !scope.fetchImages()) {
            return Optional.of("images-off: the crawl does not fetch images");
        }
        if (kind == UrlKind.PAGE) {
            if (depth > scope.maxDepth()) {
                return Optional.of("depth: " + depth + " is beyond maxDepth " + scope.maxDepth());
            }
            if (!hostAllowed(url)) {
                return Optional.of("host: not an allowed host or domain");
            }
            String ext = extension(url);
            if (ext != null && deniedExtensions.contains(ext)) {
                return Optional.of("extension: ." + ext + " is denied");
            }
        }
        if (!includes.isEmpty() && includes.stream().noneMatch(p -> p.matcher(url).find())) {
            return Optional.of("include: matches no include pattern");
        }
        for (Pattern p : excludes) {
            if (p.matcher(url).find()) {
                return Optional.of("exclude: matches " + p.pattern());
            }
        }
        return Optional.empty();
    }

    public CrawlScope scope() {
        return scope;
    }

    boolean hostAllowed(String url) {
        String key = Urls.hostKey(url).orElse(null);
        if (key == null) {
            return false;
        }
        String host = host(url);
        if (hosts.contains(key) || hosts.contains(host)) {
            return true;
        }
        if (domains.isEmpty()) {
            return false;
        }
        for (String d : domains) {
            if (host.equals(d) || host.endsWith("." + d)) {
                return true;
            }
        }
        String registered = registeredDomain(host);
        return registered != null && domains.contains(registered);
    }

    /** The registered domain (public suffix + 1 label) of a host, or null for IP addresses and unknown suffixes. */
    public static String registeredDomain(String host) {
        if (host == null || host.isEmpty() || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)) || host.contains(":")) {
            return null;
        }
        return EffectiveTldFinder.getAssignedDomain(host, true, false);
    }

    private static String host(String url) {
        try {
            String h = URI.create(url).getHost();
            return h == null ? "" : h.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String extension(String url) {
        String path;
        try {
            path = URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (path == null) {
            return null;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        int dot = last.lastIndexOf('.');
        return dot < 0 || dot == last.length() - 1 ? null : last.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
