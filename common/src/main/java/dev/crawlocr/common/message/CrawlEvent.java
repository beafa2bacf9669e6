package dev.crawlocr.common.message;

import java.util.Map;

/**
 * Something that happened to a crawl as a whole. Value of {@code crawl.events}, keyed by crawl id.
 *
 * @param schema  required; {@link #SCHEMA}
 * @param crawlId required; the key
 * @param type    required
 * @param atMs    epoch milliseconds of the event; default 0
 * @param counts  URL counts by status, plus pages, images and OCR results stored, at the time of the event; for
 *                CYCLE_COMPLETED also the cycle's number ({@code cycle}) and how many of its URLs were {@code new},
 *                {@code changed}, {@code unchanged}, {@code gone} (404 or 410 after a fetch) or {@code failed}; default
 *                empty
 */
public record CrawlEvent(int schema, String crawlId, Type type, long atMs, Map<String, Long> counts) {

    public static final int SCHEMA = 1;

    /**
     * COMPLETED: a crawl without a recrawl interval is done. CYCLE_COMPLETED: a recrawling crawl fetched every one of
     * its URLs once more (the first cycle: once), and the next cycle begins.
     */
    public enum Type { STARTED, STOPPED, COMPLETED, CYCLE_COMPLETED }

    public CrawlEvent {
        Check.schema(schema, SCHEMA, "CrawlEvent");
        Check.text(crawlId, "crawlId");
        Check.present(type, "type");
        counts = counts == null ? Map.of() : Map.copyOf(counts);
    }
}
