package dev.crawlocr.common;

import java.util.List;
import java.util.Map;

/**
 * Every topic of the pipeline, with its key and value. This is the one place topic names live.
 *
 * <pre>
 * topic              key            value                                              producer -> consumer
 * crawl.jobs         crawl id       {@code CrawlJob} JSON (compacted)                 crawlctl -> every node
 * crawl.discovered   host           {@code DiscoveredUrls} JSON: one page's links      fetcher, crawlctl -> writer
 * crawl.frontier     host (*)       {@code FetchTask} JSON: one URL with its lease     writer -> fetcher
 * crawl.pages        url            {@code FetchResult} JSON: one fetch outcome        fetcher (and writer: DENIED
 *                                                                                    past a cap) -> writer
 * crawl.images       content hash   raw image (or PDF) bytes, {@code ImageMeta} in     fetcher -> analyzer
 *                                   headers
 * crawl.ocr          content hash   {@code OcrResult} JSON (a PDF's: per page)         analyzer -> writer
 * crawl.events       crawl id       {@code CrawlEvent} JSON (completion and so on)     writer -> crawlctl
 * crawl.deadletter   original key   the failed record as it was, error in headers      any -> humans
 * </pre>
 * (*) crawl id for a crawl with a contract for all of its hosts together (a crawl-wide rate or connection limit).
 */
public final class Topics {
    public static final String JOBS = "crawl.jobs";
    public static final String DISCOVERED = "crawl.discovered";
    public static final String FRONTIER = "crawl.frontier";
    public static final String PAGES = "crawl.pages";
    public static final String IMAGES = "crawl.images";
    public static final String OCR = "crawl.ocr";
    public static final String EVENTS = "crawl.events";
    public static final String DEAD_LETTER = "crawl.deadletter";

    /** Consumer groups, one per node kind; instances of a kind share the work of its group. */
    public static final String GROUP_FETCHER = "crawlocr-fetcher";
    public static final String GROUP_ANALYZER = "crawlocr-analyzer";
    public static final String GROUP_WRITER = "crawlocr-writer";

    public static final List<String> ALL = List.of(JOBS, DISCOVERED, FRONTIER, PAGES, IMAGES, OCR, EVENTS, DEAD_LETTER);

    /** Largest JSON record a node accepts; larger ones are dead-lettered unread. */
    public static final int JSON_MAX_RECORD_BYTES = 1 << 20;

    /** Record overhead (key, headers, batch framing) allowed on top of a value cap. */
    public static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

    /**
     * Topic-level configs beyond the broker defaults: the image topic holds records up to {@code imageMaxBytes},
     * the dead-letter topic a failed image or a failed JSON record, whichever cap is larger.
     */
    public static Map<String, String> configsFor(String topic, int imageMaxBytes) {
        return switch (topic) {
            case JOBS -> Map.of("cleanup.policy", "compact");
            case IMAGES -> Map.of("max.message.bytes", Integer.toString(imageMaxBytes + RECORD_OVERHEAD_BYTES));
            case DEAD_LETTER -> Map.of("max.message.bytes", Integer.toString(maxRecordBytes(imageMaxBytes)));
            default -> Map.of();
        };
    }

    /** The largest record any producer of the pipeline sends, overhead included. */
    public static int maxRecordBytes(int imageMaxBytes) {
        return Math.max(imageMaxBytes, JSON_MAX_RECORD_BYTES) + RECORD_OVERHEAD_BYTES;
    }

    /** Partition count: the jobs topic is small and read whole by every node; the rest scale out. */
    public static int partitionsFor(String topic, int partitions) {
        return topic.equals(JOBS) || topic.equals(EVENTS) ? 1 : partitions;
    }

    private Topics() {
    }
}
