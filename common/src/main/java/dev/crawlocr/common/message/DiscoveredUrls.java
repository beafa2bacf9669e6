package dev.crawlocr.common.message;

import java.util.List;

/**
 * URLs found on one page (or a crawl's seeds), all on one host. Value of {@code crawl.discovered}, keyed by host.
 * URLs are already normalized and in scope; the writer decides which are new.
 *
 * @param schema    required; {@link #SCHEMA}
 * @param crawlId   required
 * @param host      required; the key: lower-case host, with {@code :port} when not the scheme's default
 * @param sourceUrl   the page they were found on; default null, for seeds
 * @param urls        default empty
 * @param fetchedAtMs the {@link FetchResult#fetchedAtMs} of the fetch that found them; default 0
 * @param part        which of that fetch's {@link FetchResult#linkRecords} records this is, from 0; or, in a URL
 *                    list, which of the list's records; default 0
 * @param list        true for a record of the crawl's URL list ({@link CrawlJob#listRecords()}); default false
 * @param via         how its URLs were found; default (also for null) {@link Discovery#SEED} without a
 *                    {@code sourceUrl}, else {@link Discovery#LINK}. {@link Discovery#SITEMAP} URLs name as
 *                    {@code sourceUrl} the page whose fetch read the sitemap
 */
public record DiscoveredUrls(int schema, String crawlId, String host, String sourceUrl, List<Link> urls, long fetchedAtMs, int part,
                             boolean list, Discovery via) {

    public static final int SCHEMA = 1;

    /**
     * One discovered URL, with its depth and what it will be fetched as.
     *
     * @param url   required, normalized
     * @param kind  required
     * @param depth link hops from a seed; default 0 (a seed)
     */
    public record Link(String url, UrlKind kind, int depth) {
        public Link {
            Check.text(url, "url");
            Check.present(kind, "kind");
            Check.atLeast(depth, 0, "depth");
        }
    }

    public DiscoveredUrls {
        Check.schema(schema, SCHEMA, "DiscoveredUrls");
        Check.text(crawlId, "crawlId");
        Check.text(host, "host");
        urls = Check.list(urls);
        Check.atLeast(part, 0, "part");
        via = via != null ? via : sourceUrl == null ? Discovery.SEED : Discovery.LINK;
    }

    /** A record whose {@link #via} follows from {@code sourceUrl}: seeds without one, links with one. */
    public DiscoveredUrls(int schema, String crawlId, String host, String sourceUrl, List<Link> urls, long fetchedAtMs, int part,
                          boolean list) {
        this(schema, crawlId, host, sourceUrl, urls, fetchedAtMs, part, list, null);
    }

    /** URLs not yet tied to a fetch's records: seeds, or a page's links before {@code Emitter} numbers them. */
    public DiscoveredUrls(int schema, String crawlId, String host, String sourceUrl, List<Link> urls) {
        this(schema, crawlId, host, sourceUrl, urls, 0, 0, false, null);
    }

    /** Record {@code part} of a crawl's URL list. */
    public static DiscoveredUrls listPart(String crawlId, String host, List<Link> urls, int part) {
        return new DiscoveredUrls(SCHEMA, crawlId, host, null, urls, 0, part, true, Discovery.SEED);
    }
}
