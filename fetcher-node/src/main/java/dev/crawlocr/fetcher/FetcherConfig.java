package dev.crawlocr.fetcher;

import static dev.crawlocr.common.config.ConfigDef.Type.BOOLEAN;
import static dev.crawlocr.common.config.ConfigDef.Type.BYTES;
import static dev.crawlocr.common.config.ConfigDef.Type.DURATION;
import static dev.crawlocr.common.config.ConfigDef.Type.INT;
import static dev.crawlocr.common.config.ConfigDef.Type.LIST;
import static dev.crawlocr.common.config.ConfigDef.Type.STRING;

import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.config.Config;
import dev.crawlocr.common.config.ConfigDef;
import dev.crawlocr.fetcher.http.Cidr;
import dev.crawlocr.fetcher.politeness.HostGate;
import dev.crawlocr.fetcher.sitemap.SitemapLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The fetcher node's settings, read once at start from the environment and flags. Immutable.
 * Per-crawl settings (scope, politeness) come with each crawl instead; see {@code CrawlJob}.
 *
 * @param allowNetworks        CIDRs the SSRF guard lets through although they are private/loopback/etc. (empty: none)
 * @param maxInflight          HTTP requests in flight across all hosts
 * @param queueMax             tasks queued in this node across hosts before the frontier partitions are paused
 * @param hostQueueMax         tasks queued for one host before the frontier partitions are paused
 * @param pageMaxBytes         decompressed HTML bytes kept; the rest is cut and the result marked truncated
 * @param imageMaxBytes        largest image accepted (decompressed); larger ones are refused and recorded
 * @param textMaxChars         visible text kept per page in the page record
 * @param crawlDelayMax        largest robots.txt Crawl-delay honoured
 * @param crawlDelayOverCap    what to do when Crawl-delay is above the cap: DENY the host's URLs or CAP the delay
 * @param unreachableCooldown  how long a host that stopped answering gets no requests (its queued tasks end at once)
 * @param politenessOverride   when true, every crawl's per-host delay is replaced by {@code minDelayOverride}
 * @param secretsDir           where the secrets that crawls' headers reference are files named after them
 * @param sitemaps             limits on reading the seeds' hosts' sitemaps
 */
public record FetcherConfig(
        CommonConfig common,
        String userAgent,
        String robotsAgent,
        List<Cidr> allowNetworks,
        int maxInflight,
        int queueMax,
        int hostQueueMax,
        Duration connectTimeout,
        Duration readTimeout,
        Duration totalTimeout,
        long pageMaxBytes,
        long imageMaxBytes,
        int textMaxChars,
        List<String> pageContentTypes,
        List<String> imageContentTypes,
        int maxRetries,
        Duration retryBackoff,
        Duration retryAfterMax,
        Duration unreachableCooldown,
        int maxRedirects,
        Duration robotsTtl,
        Duration robotsErrorTtl,
        Duration crawlDelayMax,
        String crawlDelayOverCap,
        int urlMaxLength,
        int urlMaxRepeatedSegments,
        int maxOutlinks,
        List<String> trackingParams,
        Duration jobWait,
        boolean politenessOverride,
        Duration minDelayOverride,
        Path secretsDir,
        SitemapLimits sitemaps) {

    public static final ConfigDef DEF = new ConfigDef().include(CommonConfig.DEF)
            .define("FETCHER_USER_AGENT", STRING, "crawlocr-fetcher/0.1 (+https://crawlocr.dev/bot)",
                    "User-Agent header sent with every request; should identify the crawler and a contact")
            .define("FETCHER_ROBOTS_AGENT", STRING, "crawlocr", "Agent name matched against robots.txt User-agent lines")
            .define("FETCHER_ALLOW_NETWORKS", LIST, "", v -> Cidr.allValid(cast(v)), "a comma-separated list of CIDRs such as 127.0.0.0/8,::1/128",
                    "Networks allowed although the SSRF guard blocks them (private, loopback, link-local, CGNAT, metadata); empty allows none")
            .define("FETCHER_MAX_INFLIGHT", INT, "256", ConfigDef.atLeast(1), ">= 1", "HTTP requests in flight across all hosts")
            .define("FETCHER_QUEUE_MAX", INT, "4096", ConfigDef.atLeast(1), ">= 1", "Tasks queued across hosts before frontier partitions pause")
            .define("FETCHER_HOST_QUEUE_MAX", INT, "1024", ConfigDef.atLeast(1), ">= 1", "Tasks queued for one host before frontier partitions pause")
            .define("FETCHER_CONNECT_TIMEOUT", DURATION, "5s", ConfigDef.positiveDuration(), "> 0", "TCP/TLS connect timeout")
            .define("FETCHER_READ_TIMEOUT", DURATION, "15s", ConfigDef.positiveDuration(), "> 0", "Longest silence while reading a response")
            .define("FETCHER_TOTAL_TIMEOUT", DURATION, "30s", ConfigDef.positiveDuration(), "> 0", "Longest time for one request, body included")
            .define("FETCHER_PAGE_MAX_BYTES", BYTES, "2MB", ConfigDef.between(1024, 256L << 20), "between 1KB and 256MB",
                    "HTML bytes kept (after decompression); the rest is cut and the page marked truncated")
            .define("FETCHER_TEXT_MAX_CHARS", INT, "200000", ConfigDef.between(100, 5_000_000), "between 100 and 5000000",
                    "Visible text kept per page record")
            .define("FETCHER_PAGE_CONTENT_TYPES", LIST, "text/html,application/xhtml+xml", "Content types fetched as pages")
            .define("FETCHER_IMAGE_CONTENT_TYPES", LIST, "image/png,image/jpeg,image/gif,image/webp,image/bmp,image/tiff",
                    "Content types fetched as images")
            .define("FETCHER_MAX_RETRIES", INT, "2", ConfigDef.between(0, 10), "between 0 and 10",
                    "Retries of a transient failure (timeout, reset, 5xx, 429) within one task")
            .define("FETCHER_RETRY_BACKOFF", DURATION, "1s", ConfigDef.positiveDuration(), "> 0", "First retry back-off; doubles per retry")
            .define("FETCHER_RETRY_AFTER_MAX", DURATION, "60s", ConfigDef.positiveDuration(), "> 0",
                    "Longest Retry-After waited for within a task; a longer one ends the task as FETCH_ERROR and defers the host")
            .define("FETCHER_UNREACHABLE_COOLDOWN", DURATION, "30s", ConfigDef.positiveDuration(), "> 0",
                    "How long a host gets no requests after " + HostGate.UNREACHABLE_AFTER + " in a row went unanswered; its queued tasks end at once")
            .define("FETCHER_MAX_REDIRECTS", INT, "5", ConfigDef.between(0, 50), "between 0 and 50",
                    "Redirect hops followed from one URL (each hop is its own task)")
            .define("FETCHER_ROBOTS_TTL", DURATION, "6h", ConfigDef.positiveDuration(), "> 0", "How long a fetched robots.txt is cached")
            .define("FETCHER_ROBOTS_ERROR_TTL", DURATION, "1h", ConfigDef.positiveDuration(), "> 0",
                    "How long a robots.txt outcome without rules (4xx, 5xx, 429, network error) is cached")
            .define("FETCHER_CRAWL_DELAY_MAX", DURATION, "30s", ConfigDef.positiveDuration(), "> 0", "Largest robots.txt Crawl-delay honoured")
            .define("FETCHER_CRAWL_DELAY_OVER_CAP", STRING, "DENY", v -> v.equals("DENY") || v.equals("CAP"), "DENY or CAP",
                    "A Crawl-delay above FETCHER_CRAWL_DELAY_MAX: DENY the host's URLs, or CAP the delay at the maximum")
            .define("FETCHER_URL_MAX_LENGTH", INT, "2048", ConfigDef.between(32, 65536), "between 32 and 65536", "Longer URLs are dropped")
            .define("FETCHER_URL_MAX_REPEATED_SEGMENTS", INT, "3", ConfigDef.between(1, 100), "between 1 and 100",
                    "URLs whose path repeats one segment more often than this are dropped (trap guard)")
            .define("FETCHER_MAX_OUTLINKS", INT, "1000", ConfigDef.between(1, 100_000), "between 1 and 100000",
                    "Links (and, separately, images) followed per page: the node's default for crawls that set no cap of their own "
                    + "(crawl start --max-outlinks); the rest are counted and dropped")
            .define("FETCHER_TRACKING_PARAMS", LIST, "utm_source,utm_medium,utm_campaign,utm_term,utm_content,gclid,fbclid",
                    "Query parameters removed from discovered URLs")
            .define("FETCHER_JOB_WAIT", DURATION, "30s", ConfigDef.positiveDuration(), "> 0",
                    "How long a task waits for its crawl's settings to appear on crawl.jobs")
            .define("FETCHER_POLITENESS_OVERRIDE", BOOLEAN, "false",
                    "Replace every crawl's per-host delay by FETCHER_MIN_DELAY_OVERRIDE (benchmarks against local sites)")
            .define("FETCHER_MIN_DELAY_OVERRIDE", DURATION, "0ms", v -> !((Duration) v).isNegative(), ">= 0",
                    "Per-host delay used when FETCHER_POLITENESS_OVERRIDE is true")
            .define("FETCHER_SECRETS_DIR", STRING, "/run/secrets",
                    "Directory of the secrets that crawls' headers reference as ${secret:NAME}: the file NAME holds the value; a secret "
                    + "without a file is read from the environment variable CRAWLOCR_SECRET_NAME")
            .define("FETCHER_SITEMAP_MAX_BYTES", BYTES, "50MB", ConfigDef.between(1024, 1L << 30), "between 1KB and 1GB",
                    "Largest sitemap read (after decompression, gzip included); a larger one is recorded as malformed")
            .define("FETCHER_SITEMAP_MAX_URLS", INT, "50000", ConfigDef.between(1, 1_000_000), "between 1 and 1000000",
                    "URLs taken from one sitemap, or sitemaps from one sitemap index; the rest are not followed")
            .define("FETCHER_SITEMAP_MAX_PER_HOST", INT, "1000", ConfigDef.between(0, 10_000_000), "between 0 and 10000000",
                    "Page URLs emitted from the sitemaps of one host per crawl; 0 reads no sitemaps")
            .define("FETCHER_SITEMAP_MAX_PER_CRAWL", INT, "10000", ConfigDef.between(0, 100_000_000), "between 0 and 100000000",
                    "Page URLs emitted from sitemaps per crawl, counted by each fetcher node; 0 reads no sitemaps")
            .define("FETCHER_SITEMAP_MAX_NESTING", INT, "2", ConfigDef.between(0, 10), "between 0 and 10",
                    "Levels of sitemap indexes followed below a robots.txt or /sitemap.xml sitemap");

    /** The configuration {@code c} holds ({@code c} from {@code DEF.parse(env, args)}). */
    public static FetcherConfig from(Config c) {
        CommonConfig common = CommonConfig.from(c);
        return new FetcherConfig(common, c.string("FETCHER_USER_AGENT"), c.string("FETCHER_ROBOTS_AGENT"),
                c.list("FETCHER_ALLOW_NETWORKS").stream().map(Cidr::parse).toList(),
                c.integer("FETCHER_MAX_INFLIGHT"), c.integer("FETCHER_QUEUE_MAX"), c.integer("FETCHER_HOST_QUEUE_MAX"),
                c.duration("FETCHER_CONNECT_TIMEOUT"), c.duration("FETCHER_READ_TIMEOUT"), c.duration("FETCHER_TOTAL_TIMEOUT"),
                c.bytes("FETCHER_PAGE_MAX_BYTES"), common.imageMaxBytes(), c.integer("FETCHER_TEXT_MAX_CHARS"),
                c.list("FETCHER_PAGE_CONTENT_TYPES"), c.list("FETCHER_IMAGE_CONTENT_TYPES"),
                c.integer("FETCHER_MAX_RETRIES"), c.duration("FETCHER_RETRY_BACKOFF"), c.duration("FETCHER_RETRY_AFTER_MAX"),
                c.duration("FETCHER_UNREACHABLE_COOLDOWN"),
                c.integer("FETCHER_MAX_REDIRECTS"), c.duration("FETCHER_ROBOTS_TTL"), c.duration("FETCHER_ROBOTS_ERROR_TTL"),
                c.duration("FETCHER_CRAWL_DELAY_MAX"), c.string("FETCHER_CRAWL_DELAY_OVER_CAP"),
                c.integer("FETCHER_URL_MAX_LENGTH"), c.integer("FETCHER_URL_MAX_REPEATED_SEGMENTS"), c.integer("FETCHER_MAX_OUTLINKS"),
                c.list("FETCHER_TRACKING_PARAMS"), c.duration("FETCHER_JOB_WAIT"),
                c.bool("FETCHER_POLITENESS_OVERRIDE"), c.duration("FETCHER_MIN_DELAY_OVERRIDE"), Path.of(c.string("FETCHER_SECRETS_DIR")),
                new SitemapLimits(c.bytes("FETCHER_SITEMAP_MAX_BYTES"), c.integer("FETCHER_SITEMAP_MAX_URLS"),
                        c.integer("FETCHER_SITEMAP_MAX_PER_HOST"), c.integer("FETCHER_SITEMAP_MAX_PER_CRAWL"),
                        c.integer("FETCHER_SITEMAP_MAX_NESTING")));
    }

    @SuppressWarnings("unchecked")
    private static List<String> cast(Object v) {
        return (List<String>) v;
    }
}
