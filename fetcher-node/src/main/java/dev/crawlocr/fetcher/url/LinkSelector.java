package dev.crawlocr.fetcher.url;

import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.DiscoveredUrls.Link;
import dev.crawlocr.common.message.UrlKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a page's raw links and images into the URLs to emit: each is normalized, checked against the trap guard
 * and the crawl's scope, deduplicated, and grouped by host key (the key of {@code crawl.discovered}). Links and,
 * separately, images are capped per page at the crawl's {@link dev.crawlocr.common.message.CrawlScope#maxOutlinks},
 * or at this node's cap when the crawl sets none. A crawl that follows no links
 * ({@link dev.crawlocr.common.message.CrawlScope#followLinks}) emits none, pages or images. Everything dropped is
 * counted by reason. Thread-safe and stateless.
 */
public final class LinkSelector {

    /**
     * @param byHost     links to emit, per host key, in document order
     * @param imageUrls  normalized image URLs of the page (in scope or not, for the page record)
     * @param outlinks   distinct valid page links found on the page, before scope
     * @param dropped    count of dropped links per reason ("category: detail"; the category is a fixed word)
     */
    public record Selection(Map<String, List<Link>> byHost, List<String> imageUrls, int outlinks, Map<String, Integer> dropped) {

        /** {@link #dropped} summed by category ("outlink-cap", "trap", "host", ...), sorted by category. */
        public Map<String, Integer> droppedByCategory() {
            Map<String, Integer> counts = new TreeMap<>();
            dropped.forEach((reason, n) -> counts.merge(category(reason), n, Integer::sum));
            return counts;
        }
    }

    private static final String FOLLOW_NONE = "follow-none: the crawl follows no links";

    private final Urls urls;
    private final TrapGuard traps;
    private final int maxOutlinks;

    /** @param maxOutlinks this node's cap (FETCHER_MAX_OUTLINKS), for crawls that set none */
    public LinkSelector(Urls urls, TrapGuard traps, int maxOutlinks) {
        this.urls = urls;
        this.traps = traps;
        this.maxOutlinks = maxOutlinks;
    }

    /**
     * @param depth     depth of the page the links were found on; links get {@code depth + 1}
     * @param follow    false when the page asked not to be followed: pages are not emitted, images still are
     */
    public Selection select(String pageUrl, int depth, List<String> links, List<String> images, CrawlScopeFilter scope, boolean follow) {
        Map<String, List<Link>> byHost = new TreeMap<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        seen.add(pageUrl);
        int cap = scope.scope().maxOutlinks() > 0 ? scope.scope().maxOutlinks() : maxOutlinks;
        int outlinks = 0;
        int followed = 0;
        boolean followNone = !scope.scope().followLinks();
        String notFollowed = followNone ? FOLLOW_NONE : "nofollow: the page asks not to be followed";
        for (String raw : links) {
            Optional<String> n = urls.normalize(raw);
            if (n.isEmpty()) {
                count(dropped, "invalid: not an http(s) URL");
                continue;
            }
            if (!seen.add(n.get())) {
                continue;
            }
            outlinks++;
            if (!follow || followNone) {
                count(dropped, notFollowed);
            } else if (followed >= cap) {
                count(dropped, "outlink-cap: more than " + cap + " outlinks");
            } else if (admit(n.get(), UrlKind.PAGE, depth + 1, scope, byHost, dropped)) {
                followed++;
            }
        }
        List<String> imageUrls = new ArrayList<>();
        for (String raw : images) {
            Optional<String> n = urls.normalize(raw);
            if (n.isEmpty()) {
                count(dropped, "invalid: not an http(s) URL");
                continue;
            }
            if (imageUrls.contains(n.get())) {
                continue;
            }
            imageUrls.add(n.get());
            if (followNone) {
                count(dropped, FOLLOW_NONE);
            } else if (imageUrls.size() > cap) {
                count(dropped, "outlink-cap: more than " + cap + " images");
            } else {
                admit(n.get(), UrlKind.IMAGE, depth + 1, scope, byHost, dropped);
            }
        }
        return new Selection(byHost, imageUrls, outlinks, dropped);
    }

    /**
     * Page URLs listed by a sitemap, as {@link #select} treats a page's links but without the outlink cap (the
     * caller caps them): normalized, checked against the trap guard and the scope at {@code depth}, grouped by host.
     *
     * @param seen URLs already taken from this host's sitemaps; those in it are skipped, the admitted ones added
     */
    public Selection selectListed(List<String> listed, int depth, CrawlScopeFilter scope, Set<String> seen) {
        Map<String, List<Link>> byHost = new TreeMap<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        int distinct = 0;
        for (String raw : listed) {
            Optional<String> n = urls.normalize(raw);
            if (n.isEmpty()) {
                count(dropped, "invalid: not an http(s) URL");
                continue;
            }
            if (seen.add(n.get())) {
                distinct++;
                admit(n.get(), UrlKind.PAGE, depth, scope, byHost, dropped);
            }
        }
        return new Selection(byHost, List.of(), distinct, dropped);
    }

    private boolean admit(String url, UrlKind kind, int depth, CrawlScopeFilter scope, Map<String, List<Link>> byHost, Map<String, Integer> dropped) {
        Optional<String> trap = traps.check(url);
        if (trap.isPresent()) {
            count(dropped, "trap: " + trap.get());
            return false;
        }
        Optional<String> out = scope.check(url, kind, depth);
        if (out.isPresent()) {
            count(dropped, out.get());
            return false;
        }
        String host = Urls.hostKey(url).orElseThrow();
        byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(new Link(url, kind, depth));
        return true;
    }

    /** The category of a reason: its fixed word before the colon, lower case. */
    public static String category(String reason) {
        int colon = reason.indexOf(':');
        return (colon < 0 ? reason : reason.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    private static void count(Map<String, Integer> dropped, String reason) {
        dropped.merge(reason, 1, Integer::sum);
    }
}
