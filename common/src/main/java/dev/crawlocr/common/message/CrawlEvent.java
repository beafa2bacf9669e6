package dev.crawlocr.common.message;

import java.util.Map;

/**
 * Something that happened to a crawl as a whole. Value of {@code crawl.events}, keyed by crawl id.
 *
 * @param schema  required; {@link #SCHEMA}
 * @param crawlId required; the key
 * @param type    required
 * @param atMs    epoch milliseconds of the event; default 0
 * @param counts  URL counts by status, plus pages, images and OCR results stored, at the time of the event; default
 *                empty
 */
public record CrawlEvent(int schema, String crawlId, Type type, long atMs, Map<String, Long> counts) {

    public static final int SCHEMA = 1;

    public enum Type { STARTED, STOPPED, COMPLETED }

    public CrawlEvent {
        Check.schema(schema, SCHEMA, "CrawlEvent");
        Check.text(crawlId, "crawlId");
        Check.present(type, "type");
        counts = counts == null ? Map.of() : Map.copyOf(counts);
    }
}
