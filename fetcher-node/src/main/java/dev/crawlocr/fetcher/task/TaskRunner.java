package dev.crawlocr.fetcher.task;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.content.ContentHandler;
import dev.crawlocr.fetcher.content.PdfResponses;
import dev.crawlocr.fetcher.http.BodyCap;
import dev.crawlocr.fetcher.http.FetchFailure;
import dev.crawlocr.fetcher.http.HttpResult;
import dev.crawlocr.fetcher.http.RetryAfter;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.politeness.CrawlGate;
import dev.crawlocr.fetcher.politeness.HostGate;
import dev.crawlocr.fetcher.politeness.NotAttempted;
import dev.crawlocr.fetcher.politeness.PoliteRequests;
import dev.crawlocr.fetcher.robots.RobotsCache;
import dev.crawlocr.fetcher.robots.RobotsVerdict;
import dev.crawlocr.fetcher.sitemap.SitemapReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one fetch task to its outcome, blocking (call it on a virtual thread): lease and crawl checks, the crawl's
 * headers with their secrets resolved ({@link Secrets}), robots.txt (unless the crawl ignores it), the request with
 * retries, then {@link ContentHandler} for the body or {@link Redirects} for a 3xx. A seed fetched with a 2xx in a
 * crawl that reads sitemaps goes on to its host's sitemaps ({@link SitemapReader}) on the same turn. A recrawl's task
 * carries the validators of the URL's last fetch: the request is a conditional GET, a 304 is recorded as not
 * modified, and an image whose bytes hash as before is not sent for OCR again. Every path
 * ends in exactly one {@link FetchResult}, which reports the requests the task sent. Page caps and the crawl's
 * request budget are the writer's: it leases no page past a cap and gives each task an allowance of requests.
 * Nothing a server sends escapes as an exception. Thread-safe.
 */
public final class TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    /** The reason of a task that ends because its crawl was stopped. */
    public static final String CRAWL_STOPPED = "crawl stopped";
    static final String PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";
    /** What follows a crawl's data types in a page task's Accept header. */
    static final String PAGE_ACCEPT_AFTER_DATA = "text/html;q=0.8,application/xhtml+xml;q=0.7,*/*;q=0.5";
    static final String IMAGE_ACCEPT = "image/png,image/jpeg,image/webp,image/gif,image/*;q=0.8";
    static final String SITEMAP_ACCEPT = "application/xml,text/xml;q=0.9,application/rss+xml;q=0.9,application/atom+xml;q=0.9,"
            + "text/plain;q=0.8,*/*;q=0.5";

    /**
     * The node's settings a task runs with (see {@code FetcherConfig} for each).
     *
     * @param politenessOverride true when every crawl's per-host delay is replaced by {@code minDelayOverride} and
     *                           robots.txt Crawl-delay and per-minute budgets are ignored
     * @param crawlDelayOverCap  what a Crawl-delay above {@code crawlDelayMax} does: "DENY" the URL or "CAP" the delay
     * @param maxRetries         retries of a transient failure within one task
     * @param retryBackoff       first back-off of the host after a transient failure; doubles per retry
     * @param retryAfterMax      longest Retry-After waited for within a task
     * @param sitemapMaxBytes    largest sitemap body read
     */
    public record Settings(boolean politenessOverride, Duration minDelayOverride, Duration crawlDelayMax, String crawlDelayOverCap,
                           long pageMaxBytes, long imageMaxBytes, int maxRetries, Duration retryBackoff, Duration retryAfterMax,
                           long sitemapMaxBytes) {
    }

    private final Settings settings;
    private final Secrets secrets;
    private final PoliteRequests requests;
    private final RobotsCache robots;
    private final ContentHandler content;
    private final Redirects redirects;
    private final Urls urls;
    private final SitemapReader sitemaps;

    public TaskRunner(Settings settings, Secrets secrets, PoliteRequests requests, RobotsCache robots,
                      ContentHandler content, Redirects redirects, Urls urls, SitemapReader sitemaps) {
        this.settings = settings;
        this.secrets = secrets;
        this.requests = requests;
        this.robots = robots;
        this.content = content;
        this.redirects = redirects;
        this.urls = urls;
        this.sitemaps = sitemaps;
    }

    /**
     * @param crawlGate  the crawl's gate, for a crawl with a crawl-wide contract; else null
     * @param handedBack true once the task's partition was revoked: no new request may start
     */
    public Outcome run(FetchTask task, CrawlJob job, HostGate gate, CrawlGate crawlGate, BooleanSupplier handedBack) throws InterruptedException {
        long started = System.nanoTime();
        if (System.currentTimeMillis() > task.leaseUntilMs()) {
            return fail(task, FetchStatus.RETURNED, 0, "lease expired before the fetch started", started);
        }
        if (job.state() == CrawlJob.State.STOPPED) {
            return fail(task, FetchStatus.DENIED, 0, CRAWL_STOPPED, started);
        }
        if (urls.normalize(task.url()).isEmpty()) {
            return fail(task, FetchStatus.ERROR, 0, "invalid task URL: not an absolute http(s) URL", started);
        }
        Map<String, String> headers;
        try {
            headers = secrets.resolve(job.request().headers());
        } catch (Secrets.MissingSecret e) {
            return fail(task, FetchStatus.ERROR, 0, e.getMessage(), started);
        }
        AtomicInteger sent = new AtomicInteger();
        Outcome outcome;
        try {
            outcome = fetch(task, job, gate, crawlGate, handedBack, headers, sent, started);
        } catch (NotAttempted e) {
            outcome = fail(task, e.status(), 0, e.getMessage(), started);
        }
        return new Outcome(outcome.result().forTask(task, sent.get()), outcome.discovered(), outcome.images());
    }

    private Outcome fetch(FetchTask task, CrawlJob job, HostGate gate, CrawlGate crawlGate, BooleanSupplier handedBack,
                          Map<String, String> headers, AtomicInteger sent, long started) throws InterruptedException {
        long delayMs = settings.politenessOverride() ? settings.minDelayOverride().toMillis() : job.politeness().minDelayMs();
        PoliteRequests.Turn robotsTurn = turn(task, job, gate, crawlGate, delayMs, handedBack, headers, sent);
        RobotsVerdict verdict = robotsVerdict(task.url(), job, robotsTurn);
        switch (verdict.decision()) {
            case DISALLOWED -> {
                return fail(task, FetchStatus.DENIED, 0, verdict.reason(), started);
            }
            case DEFERRED -> {
                return fail(task, FetchStatus.FETCH_ERROR, 0, verdict.reason(), started);
            }
            case ALLOWED -> {
                // go on
            }
        }
        if (verdict.crawlDelayMs() > 0 && !settings.politenessOverride()) {
            long cap = settings.crawlDelayMax().toMillis();
            if (verdict.crawlDelayMs() > cap && settings.crawlDelayOverCap().equals("DENY")) {
                return fail(task, FetchStatus.DENIED, 0, "robots.txt Crawl-delay of " + verdict.crawlDelayMs() / 1000.0
                        + " s exceeds FETCHER_CRAWL_DELAY_MAX of " + cap / 1000.0 + " s", started);
            }
            delayMs = Math.max(delayMs, Math.min(verdict.crawlDelayMs(), cap));
        }
        PoliteRequests.Turn turn = turn(task, job, gate, crawlGate, delayMs, handedBack, headers, sent);
        // the task's own request is conditional on a recrawl; a seed's sitemap requests, on the same turn, are not
        PoliteRequests.Turn own = task.conditional() ? turn(task, job, gate, crawlGate, delayMs, handedBack, conditional(task, headers), sent) : turn;
        boolean image = task.kind() == UrlKind.IMAGE;
        BodyCap maxBytes = image ? BodyCap.of(settings.imageMaxBytes())
                : PdfResponses.pageCap(job.scope(), settings.pageMaxBytes(), settings.imageMaxBytes());
        String accept = image ? IMAGE_ACCEPT : pageAccept(job.request());
        String lastProblem = null;
        int lastStatus = 0;
        for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
            HttpResult r;
            try {
                r = requests.get(own, image ? "image" : "page", task.url(), accept, maxBytes);
            } catch (NotAttempted e) {
                if (lastProblem != null) { // a retry the task could not send: the server's failures are the outcome
                    return fail(task, FetchStatus.FETCH_ERROR, lastStatus, lastProblem + " after " + attempt + " attempts; " + e.getMessage(),
                            started);
                }
                throw e;
            } catch (FetchFailure f) {
                log.debug("Fetch of {} failed (attempt {}): {}", task.url(), attempt + 1, f.getMessage());
                if (f.kind() == FetchFailure.Kind.BLOCKED) {
                    return fail(task, FetchStatus.DENIED, 0, f.getMessage(), started);
                }
                if (!f.kind().isTransient()) {
                    return fail(task, FetchStatus.ERROR, 0, f.getMessage(), started);
                }
                lastProblem = f.getMessage();
                lastStatus = 0;
                backOff(gate, attempt);
                continue;
            }
            int s = r.status();
            if (s >= 200 && s < 300) {
                Outcome handled = fetched(task, content.handle(task, job, r, elapsedMs(started)), r);
                return SitemapReader.applies(task, job) ? withSitemaps(handled, task, job, robotsTurn, turn) : handled;
            }
            if (s == 304 && task.conditional()) {
                return Outcome.of(FetchResult.notModified(task, elapsedMs(started)));
            }
            if (s >= 300 && s < 400) {
                return redirects.handle(task, job, r, elapsedMs(started));
            }
            if (FetchStatus.fromHttpCode(s) != FetchStatus.FETCH_ERROR) {
                return fail(task, FetchStatus.ERROR, s, "HTTP " + s, started);
            }
            lastStatus = s;
            lastProblem = "HTTP " + s;
            long retryAfterMs = RetryAfter.parseMs(r.retryAfter(), System.currentTimeMillis());
            if (retryAfterMs >= 0) {
                gate.deferUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryAfterMs));
                if (retryAfterMs > settings.retryAfterMax().toMillis()) {
                    return fail(task, FetchStatus.FETCH_ERROR, s, "HTTP " + s + " with Retry-After of " + retryAfterMs / 1000
                            + " s, above FETCHER_RETRY_AFTER_MAX; host deferred", started);
                }
                lastProblem = "HTTP " + s + " (Retry-After " + retryAfterMs / 1000 + " s)";
            } else {
                backOff(gate, attempt);
            }
        }
        return fail(task, FetchStatus.FETCH_ERROR, lastStatus,
                lastProblem + " after " + (settings.maxRetries() + 1) + " attempts", started);
    }

    private RobotsVerdict robotsVerdict(String url, CrawlJob job, PoliteRequests.Turn robotsTurn) {
        return job.request().ignoreRobots() ? RobotsVerdict.allowed(-1) : robots.check(url, robotsUrl -> {
            try {
                return requests.get(robotsTurn, "robots", robotsUrl, "text/plain,*/*;q=0.5", 512 * 1024);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotAttempted(FetchStatus.RETURNED, "handed back: interrupted while fetching robots.txt");
            }
        });
    }

    /** A seed's outcome with what its host's sitemaps gave: their records on the result, their URLs after the page's links. */
    private Outcome withSitemaps(Outcome page, FetchTask task, CrawlJob job, PoliteRequests.Turn robotsTurn, PoliteRequests.Turn turn)
            throws InterruptedException {
        List<String> listed = job.request().ignoreRobots() ? List.of() : robots.sitemaps(task.url());
        SitemapReader.Result read = sitemaps.read(task, job, listed, url -> robotsVerdict(url, job, robotsTurn),
                url -> requests.get(turn, "sitemap", url, SITEMAP_ACCEPT, settings.sitemapMaxBytes()));
        if (read.read().isEmpty()) {
            return page;
        }
        List<DiscoveredUrls> discovered = new ArrayList<>(page.discovered());
        discovered.addAll(read.discovered());
        return new Outcome(page.result().withSitemaps(read.read()), discovered, page.images());
    }

    /** The request headers of {@code task}: the crawl's, and on a recrawl the validators of the URL's last fetch. */
    static Map<String, String> conditional(FetchTask task, Map<String, String> headers) {
        if (!task.conditional()) {
            return headers;
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (task.etag() != null) {
            all.put("If-None-Match", task.etag());
        }
        if (task.lastModified() != null) {
            all.put("If-Modified-Since", task.lastModified());
        }
        return all;
    }

    /**
     * The outcome of a 2xx response with the response's validators, kept for the next recrawl; without the bytes of
     * the image the task stored before ({@link FetchTask#contentHash}), whose OCR result the crawl has.
     */
    private static Outcome fetched(FetchTask task, Outcome outcome, HttpResult r) {
        List<Outcome.Image> images = task.contentHash() == null ? outcome.images()
                : outcome.images().stream().filter(i -> !i.meta().contentHash().equals(task.contentHash())).toList();
        return new Outcome(outcome.result().withValidators(r.etag(), r.lastModified()), outcome.discovered(), images);
    }

    /** A page task's Accept header: the crawl's data types first, when it keeps any, so a service that negotiates answers with data. */
    static String pageAccept(RequestSettings request) {
        return request.acceptTypes().isEmpty() ? PAGE_ACCEPT : String.join(",", request.acceptTypes()) + "," + PAGE_ACCEPT_AFTER_DATA;
    }

    /** Exponential back-off, applied to the whole host: a server in trouble gets fewer requests, not more. */
    private void backOff(HostGate gate, int attempt) {
        long ms = settings.retryBackoff().toMillis() << Math.min(attempt, 10);
        gate.deferUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private PoliteRequests.Turn turn(FetchTask task, CrawlJob job, HostGate gate, CrawlGate crawlGate, long delayMs,
                                     BooleanSupplier handedBack, Map<String, String> headers, AtomicInteger sent) {
        int perMinute = settings.politenessOverride() ? 0 : job.politeness().maxRequestsPerHostPerMinute();
        return new PoliteRequests.Turn(gate, crawlGate, job.politeness().crawlRatePerSecond(), delayMs, perMinute, task.leaseUntilMs(),
                handedBack, sent, task.maxRequests(), headers);
    }

    /** An outcome without content: {@code status} and {@code reason}, timed from {@code startedNanos} ({@link System#nanoTime()}). */
    public static Outcome fail(FetchTask task, FetchStatus status, int httpStatus, String reason, long startedNanos) {
        return Outcome.of(FetchResult.failure(task, status, httpStatus, reason, null, elapsedMs(startedNanos)));
    }

    static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
