package dev.crawlocr.fetcher.task;

import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.fetcher.http.GuardedDnsResolver;
import dev.crawlocr.fetcher.http.HttpResult;
import dev.crawlocr.fetcher.metrics.FetcherMetrics;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.url.CrawlState;
import dev.crawlocr.fetcher.url.TrapGuard;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records a 3xx as a REDIRECT outcome. The target is resolved against the URL, normalized, and sent to
 * {@code crawl.discovered} at the same depth (so it goes through the registry's dedup like any new URL) when it
 * passes the hop limit, the trap guard and the crawl's scope. A target the SSRF guard refuses (its host resolves
 * only to blocked addresses) ends the task as DENIED, naming the address; the guard runs again when the target is
 * fetched. Thread-safe.
 */
public final class Redirects {
    private final Urls urls;
    private final TrapGuard traps;
    private final CrawlState crawls;
    private final GuardedDnsResolver resolver;
    private final int maxRedirects;
    private final FetcherMetrics metrics;

    public Redirects(Urls urls, TrapGuard traps, CrawlState crawls, GuardedDnsResolver resolver, int maxRedirects, FetcherMetrics metrics) {
        this.urls = urls;
        this.traps = traps;
        this.crawls = crawls;
        this.resolver = resolver;
        this.maxRedirects = maxRedirects;
        this.metrics = metrics;
    }

    public Outcome handle(FetchTask task, CrawlJob job, HttpResult r, long fetchMs) {
        int s = r.status();
        if (r.location() == null || r.location().isBlank()) {
            return result(task, FetchStatus.ERROR, s, "HTTP " + s + " without a Location header", null, fetchMs);
        }
        Optional<String> target;
        try {
            target = urls.normalize(URI.create(task.url()).resolve(r.location().trim()).toString());
        } catch (IllegalArgumentException e) {
            target = Optional.empty();
        }
        if (target.isEmpty()) {
            return result(task, FetchStatus.ERROR, s, "HTTP " + s + " to an invalid location: " + abbreviate(r.location()), null, fetchMs);
        }
        String to = target.get();
        if (to.equals(task.url())) {
            return result(task, FetchStatus.ERROR, s, "HTTP " + s + " redirects to itself", to, fetchMs);
        }
        int hops = crawls.hopsTo(task.url()) + 1;
        if (hops > maxRedirects) {
            return result(task, FetchStatus.ERROR, s, "redirect hop limit of " + maxRedirects + " exceeded", to, fetchMs);
        }
        String host = URI.create(to).getHost();
        try {
            resolver.resolve(host);
        } catch (UnknownHostException e) {
            if (e instanceof dev.crawlocr.fetcher.http.BlockedAddressException) {
                return result(task, FetchStatus.DENIED, s, "redirect target refused: " + e.getMessage(), to, fetchMs);
            }
            // an unresolvable target is recorded when it is fetched
        }
        Optional<String> rejected = traps.check(to).map(t -> "trap: " + t).or(() -> crawls.scope(job).check(to, task.kind(), task.depth()));
        if (rejected.isPresent()) {
            metrics.dropped(Map.of(rejected.get(), 1));
            return result(task, FetchStatus.REDIRECT, s, "HTTP " + s + "; target not followed: " + rejected.get(), to, fetchMs);
        }
        crawls.recordRedirect(to, hops);
        String targetHost = Urls.hostKey(to).orElseThrow();
        DiscoveredUrls discovered = new DiscoveredUrls(DiscoveredUrls.SCHEMA, task.crawlId(), targetHost, task.url(),
                List.of(new DiscoveredUrls.Link(to, task.kind(), task.depth())));
        metrics.emitted(task.kind(), 1);
        return new Outcome(result(task, FetchStatus.REDIRECT, s, "HTTP " + s, to, fetchMs).result(), List.of(discovered), List.of());
    }

    private static Outcome result(FetchTask task, FetchStatus status, int httpStatus, String reason, String to, long fetchMs) {
        return Outcome.of(FetchResult.failure(task, status, httpStatus, reason, to, fetchMs));
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
