package dev.crawlocr.common.message;

import java.time.Instant;
import java.util.List;

/**
 * A crawl and its settings. Value of {@code crawl.jobs}, keyed by crawl id; the latest record per id wins.
 * An absent field takes the default named here; a partial nested object keeps the defaults of the fields it leaves
 * out.
 *
 * @param schema     required; {@link #SCHEMA}
 * @param crawlId    required
 * @param state      required
 * @param seeds      normalized URLs to start from; required, at least one, unless the crawl's URLs come as a list
 * @param scope      default {@link CrawlScope#defaults()}: the seeds' hosts, depth 10
 * @param politeness default {@link Politeness#defaults()}: 1 s between requests, one connection per host
 * @param ocr        default {@link OcrSettings#defaults()}: the analyzer's settings
 * @param createdAt  required; an ISO-8601 instant in JSON
 * @param request    default {@link RequestSettings#defaults()}: no headers, no data types, robots.txt obeyed
 * @param listRecords a crawl whose URLs come as a list on {@code crawl.discovered} ({@code crawlctl crawl start
 *                   --urls}): {@value #LIST_SENDING} while the list is being sent, then the number of records it was
 *                   sent in (each marked {@link DiscoveredUrls#list()} and numbered by {@code part}); the crawl is not
 *                   complete until every one is registered. 0 for a crawl without a list; default 0
 */
public record CrawlJob(
        int schema,
        String crawlId,
        State state,
        List<String> seeds,
        CrawlScope scope,
        Politeness politeness,
        OcrSettings ocr,
        Instant createdAt,
        RequestSettings request,
        int listRecords) {

    public static final int SCHEMA = 1;

    /** {@link #listRecords} of a crawl whose URL list is still being sent. */
    public static final int LIST_SENDING = -1;

    public enum State { RUNNING, STOPPED }

    public CrawlJob {
        Check.schema(schema, SCHEMA, "CrawlJob");
        Check.text(crawlId, "crawlId");
        Check.present(state, "state");
        seeds = Check.list(seeds);
        Check.atLeast(listRecords, LIST_SENDING, "listRecords");
        if (seeds.isEmpty() && listRecords == 0) {
            throw new IllegalArgumentException("The field 'seeds' must not be empty (unless the crawl's URLs come as a list: listRecords).");
        }
        scope = scope == null ? CrawlScope.defaults() : scope;
        politeness = politeness == null ? Politeness.defaults() : politeness;
        ocr = ocr == null ? OcrSettings.defaults() : ocr;
        Check.present(createdAt, "createdAt");
        request = request == null ? RequestSettings.defaults() : request;
    }

    /** A crawl started with seeds in the job and no URL list. */
    public CrawlJob(int schema, String crawlId, State state, List<String> seeds, CrawlScope scope, Politeness politeness,
                    OcrSettings ocr, Instant createdAt) {
        this(schema, crawlId, state, seeds, scope, politeness, ocr, createdAt, null, 0);
    }

    public CrawlJob withState(State newState) {
        return new CrawlJob(schema, crawlId, newState, seeds, scope, politeness, ocr, createdAt, request, listRecords);
    }

    /** This job with its URL list sent in {@code records} records. */
    public CrawlJob withListRecords(int records) {
        return new CrawlJob(schema, crawlId, state, seeds, scope, politeness, ocr, createdAt, request, records);
    }
}
