package dev.crawlocr.fetcher.sitemap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.Discovery;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.SitemapRead;
import dev.crawlocr.common.message.SitemapRead.Status;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.http.FetchFailure;
import dev.crawlocr.fetcher.http.HttpResult;
import dev.crawlocr.fetcher.metrics.FetcherMetrics;
import dev.crawlocr.fetcher.politeness.NotAttempted;
import dev.crawlocr.fetcher.robots.RobotsVerdict;
import dev.crawlocr.fetcher.url.CrawlState;
import dev.crawlocr.fetcher.url.LinkSelector;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the sitemaps of a seed's host, once per host and crawl on this node, within the seed's task: the robots.txt
 * {@code Sitemap:} lines, then {@code /sitemap.xml}, then the sitemaps their indexes list, breadth first, down to
 * {@link SitemapLimits#maxNesting()} levels. Only sitemaps on the seed's own scheme, host and port are fetched (the
 * task holds that host's politeness turn, and the protocol ties a sitemap's URLs to its host); each goes through
 * the caller's robots check and polite request path, so the host's delay, the task's request allowance, the lease
 * and the SSRF guard hold as for any request. The page URLs listed go through the crawl's scope and trap guard like
 * links, at depth 1, up to {@link SitemapLimits#maxPerHost()} per host and {@link SitemapLimits#maxPerCrawl()} per
 * crawl on this node. A 404 or 410 is an absent sitemap; anything unreadable is recorded with its reason and the
 * rest is read. Thread-safe.
 */
public final class SitemapReader {

    /** Sends one GET on the task's politeness turn. */
    public interface Fetch {
        /** @throws NotAttempted when politeness does not let the request go (lease, allowance, hand-back) */
        HttpResult get(String url) throws FetchFailure, InterruptedException;
    }

    /** The sitemaps read and the page URLs they gave, per host, ready to emit. */
    public record Result(List<SitemapRead> read, List<DiscoveredUrls> discovered) {
        static final Result NONE = new Result(List.of(), List.of());
    }

    private record Pending(String url, int level) {
    }

    static final int MAX_REDIRECTS = 3;

    private final SitemapLimits limits;
    private final SitemapParsing parsing;
    private final LinkSelector links;
    private final CrawlState crawls;
    private final FetcherMetrics metrics;
    private final Urls urls;
    /** "crawlId host" of every host whose sitemaps this node has started reading. */
    private final Cache<String, Boolean> claimed = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofDays(7)).build();
    /** Page URLs emitted from sitemaps per crawl on this node. */
    private final Cache<String, AtomicInteger> perCrawl = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofDays(7)).build();

    public SitemapReader(SitemapLimits limits, LinkSelector links, CrawlState crawls, Urls urls, FetcherMetrics metrics) {
        this.limits = limits;
        this.parsing = new SitemapParsing(limits.maxBytes(), limits.maxUrls());
        this.links = links;
        this.crawls = crawls;
        this.urls = urls;
        this.metrics = metrics;
    }

    /** True when {@code task} is a seed of a crawl that reads sitemaps. */
    public static boolean applies(FetchTask task, CrawlJob job) {
        return task.kind() == UrlKind.PAGE && task.depth() == 0 && job.scope().readsSitemaps();
    }

    /**
     * Reads the sitemaps of {@code task}'s host unless this node already did for the crawl.
     *
     * @param robotsSitemaps the host's robots.txt {@code Sitemap:} lines (empty when robots.txt is ignored)
     * @param robots         the robots.txt verdict for a sitemap URL
     */
    public Result read(FetchTask task, CrawlJob job, List<String> robotsSitemaps, Function<String, RobotsVerdict> robots, Fetch fetch)
            throws InterruptedException {
        URI seed = URI.create(task.url());
        String origin = seed.getScheme() + "://" + seed.getRawAuthority();
        if (limits.maxPerHost() == 0 || limits.maxPerCrawl() == 0 || claimed.asMap().putIfAbsent(task.crawlId() + " " + origin, true) != null) {
            return Result.NONE;
        }
        AtomicInteger crawlCount = perCrawl.get(task.crawlId(), id -> new AtomicInteger());
        List<SitemapRead> read = new ArrayList<>();
        Map<String, List<DiscoveredUrls.Link>> byHost = new TreeMap<>();
        Set<String> seenPages = new HashSet<>();
        seenPages.add(task.url());
        Set<String> seenMaps = new LinkedHashSet<>();
        Deque<Pending> queue = new ArrayDeque<>();
        for (String raw : robotsSitemaps) {
            offer(raw, 0, origin, seenMaps, queue, read);
        }
        offer(origin + "/sitemap.xml", 0, origin, seenMaps, queue, read);
        int hostCount = 0;
        String stopped = null;
        while (!queue.isEmpty()) {
            Pending p = queue.poll();
            if (stopped == null && hostCount >= limits.maxPerHost()) {
                stopped = "FETCHER_SITEMAP_MAX_PER_HOST (" + limits.maxPerHost() + " URLs) reached";
            } else if (stopped == null && crawlCount.get() >= limits.maxPerCrawl()) {
                stopped = "FETCHER_SITEMAP_MAX_PER_CRAWL (" + limits.maxPerCrawl() + " URLs) reached";
            }
            if (stopped != null) {
                read.add(new SitemapRead(p.url(), Status.SKIPPED, 0, 0, stopped));
                continue;
            }
            Fetched f;
            try {
                f = fetch(p.url(), origin, robots, fetch);
            } catch (NotAttempted e) {
                stopped = "not fetched: " + e.getMessage();
                read.add(new SitemapRead(p.url(), Status.SKIPPED, 0, 0, stopped));
                continue;
            }
            if (f.outcome() != null) {
                read.add(f.outcome());
                continue;
            }
            SitemapParsing.Parsed parsed;
            try {
                parsed = parsing.parse(f.url(), f.body());
            } catch (SitemapParsing.MalformedSitemapException e) {
                read.add(new SitemapRead(p.url(), Status.MALFORMED, 0, 0, e.getMessage()));
                continue;
            }
            if (parsed.index()) {
                read.add(index(p, parsed, origin, seenMaps, queue, read));
                continue;
            }
            int room = Math.min(limits.maxPerHost() - hostCount, limits.maxPerCrawl() - crawlCount.get());
            List<String> taken = parsed.urls().subList(0, Math.min(parsed.urls().size(), Math.max(0, room)));
            LinkSelector.Selection sel = links.selectListed(taken, 1, crawls.scope(job), seenPages);
            metrics.dropped(sel.dropped());
            int accepted = 0;
            for (Map.Entry<String, List<DiscoveredUrls.Link>> e : sel.byHost().entrySet()) {
                byHost.computeIfAbsent(e.getKey(), h -> new ArrayList<>()).addAll(e.getValue());
                accepted += e.getValue().size();
            }
            hostCount += accepted;
            crawlCount.addAndGet(accepted);
            metrics.emitted(UrlKind.PAGE, accepted);
            read.add(new SitemapRead(p.url(), Status.READ, parsed.found(), accepted, urlsNote(parsed, taken.size(), sel)));
        }
        List<DiscoveredUrls> discovered = new ArrayList<>();
        byHost.forEach((host, found) -> discovered.add(new DiscoveredUrls(DiscoveredUrls.SCHEMA, task.crawlId(), host, task.url(), found, 0, 0,
                false, Discovery.SITEMAP)));
        return new Result(read, discovered);
    }

    /** An index's entry: its nested sitemaps are queued while the nesting limit allows. */
    private SitemapRead index(Pending p, SitemapParsing.Parsed parsed, String origin, Set<String> seenMaps, Deque<Pending> queue,
                              List<SitemapRead> read) {
        List<String> notes = new ArrayList<>();
        if (parsed.found() > parsed.urls().size()) {
            notes.add((parsed.found() - parsed.urls().size()) + " sitemaps over FETCHER_SITEMAP_MAX_URLS not read");
        }
        if (p.level() >= limits.maxNesting()) {
            notes.add("nested sitemaps not read: FETCHER_SITEMAP_MAX_NESTING (" + limits.maxNesting() + ") reached");
        } else {
            for (String child : parsed.urls()) {
                offer(child, p.level() + 1, origin, seenMaps, queue, read);
            }
        }
        return new SitemapRead(p.url(), Status.READ, parsed.found(), 0, notes.isEmpty() ? null : String.join("; ", notes));
    }

    /** Queues a sitemap URL on the seed's origin; one elsewhere is recorded as skipped. */
    private void offer(String raw, int level, String origin, Set<String> seenMaps, Deque<Pending> queue, List<SitemapRead> read) {
        String url = urls.normalize(raw).orElse(null);
        if (url == null) {
            read.add(new SitemapRead(raw.isBlank() ? "(blank)" : raw, Status.SKIPPED, 0, 0, "not an absolute http(s) URL"));
            return;
        }
        if (!seenMaps.add(url)) {
            return;
        }
        if (!url.startsWith(origin + "/")) {
            read.add(new SitemapRead(url, Status.SKIPPED, 0, 0, "not on the seed's host " + origin));
            return;
        }
        queue.add(new Pending(url, level));
    }

    /** A fetched body, or the outcome that ended the sitemap without one. */
    private record Fetched(String url, byte[] body, SitemapRead outcome) {
    }

    private Fetched fetch(String url, String origin, Function<String, RobotsVerdict> robots, Fetch fetch) throws InterruptedException {
        String current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            RobotsVerdict verdict = robots.apply(current);
            if (!verdict.isAllowed()) {
                Status status = verdict.decision() == RobotsVerdict.Decision.DISALLOWED ? Status.DENIED : Status.ERROR;
                return new Fetched(current, null, new SitemapRead(url, status, 0, 0, verdict.reason()));
            }
            HttpResult r;
            try {
                r = fetch.get(current);
            } catch (FetchFailure f) {
                Status status = f.kind() == FetchFailure.Kind.BLOCKED ? Status.DENIED : Status.ERROR;
                return new Fetched(current, null, new SitemapRead(url, status, 0, 0, f.getMessage()));
            }
            int s = r.status();
            if (s >= 200 && s < 300) {
                if (r.truncated()) {
                    return new Fetched(current, null, new SitemapRead(url, Status.MALFORMED, 0, 0,
                            "larger than FETCHER_SITEMAP_MAX_BYTES (" + limits.maxBytes() + " bytes)"));
                }
                return new Fetched(current, r.body(), null);
            }
            if (s == 404 || s == 410) {
                return new Fetched(current, null, new SitemapRead(url, Status.ABSENT, 0, 0, "HTTP " + s));
            }
            if (s >= 300 && s < 400 && r.location() != null) {
                String target = redirectTarget(current, r.location());
                if (target == null || !target.startsWith(origin + "/")) {
                    return new Fetched(current, null, new SitemapRead(url, Status.ERROR, 0, 0,
                            "HTTP " + s + " redirect off the seed's host not followed: " + r.location()));
                }
                current = target;
                continue;
            }
            return new Fetched(current, null, new SitemapRead(url, Status.ERROR, 0, 0, "HTTP " + s));
        }
        return new Fetched(current, null, new SitemapRead(url, Status.ERROR, 0, 0, "more than " + MAX_REDIRECTS + " redirects"));
    }

    private String redirectTarget(String from, String location) {
        try {
            return urls.normalize(URI.create(from).resolve(location.trim()).toString()).orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What cut a sitemap's URLs short or kept them out, for its record; null when all were taken. */
    private String urlsNote(SitemapParsing.Parsed parsed, int taken, LinkSelector.Selection sel) {
        List<String> notes = new ArrayList<>();
        if (parsed.found() > parsed.urls().size()) {
            notes.add((parsed.found() - parsed.urls().size()) + " URLs over FETCHER_SITEMAP_MAX_URLS not taken");
        }
        if (taken < parsed.urls().size()) {
            notes.add((parsed.urls().size() - taken) + " URLs over the per-host or per-crawl sitemap limit not taken");
        }
        if (!sel.dropped().isEmpty()) {
            notes.add("dropped " + sel.droppedByCategory().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        return notes.isEmpty() ? null : String.join("; ", notes);
    }
}
