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
 * @param seeds      required, at least one normalized URL
 * @param scope      default {@link CrawlScope#defaults()}: the seeds' hosts, depth 10
 * @param politeness default {@link Politeness#defaults()}: 1 s between requests, one connection per host
 * @param ocr        default {@link OcrSettings#defaults()}: the analyzer's settings
 * @param createdAt  required; an ISO-8601 instant in JSON
 */
public record CrawlJob(
        int schema,
        String crawlId,
        State state,
        List<String> seeds,
        CrawlScope scope,
        Politeness politeness,
        OcrSettings ocr,
        Instant createdAt) {

    public static final int SCHEMA = 1;

    public enum State { RUNNING, STOPPED }

    public CrawlJob {
        Check.schema(schema, SCHEMA, "CrawlJob");
        Check.text(crawlId, "crawlId");
        Check.present(state, "state");
        seeds = Check.list(seeds);
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("The field 'seeds' must not be empty.");
        }
        scope = scope == null ? CrawlScope.defaults() : scope;
        politeness = politeness == null ? Politeness.defaults() : politeness;
        ocr = ocr == null ? OcrSettings.defaults() : ocr;
        Check.present(createdAt, "createdAt");
    }

    public CrawlJob withState(State newState) {
        return new CrawlJob(schema, crawlId, newState, seeds, scope, politeness, ocr, createdAt);
    }
}
