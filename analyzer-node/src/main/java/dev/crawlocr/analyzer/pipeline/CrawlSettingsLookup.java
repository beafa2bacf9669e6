package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.common.kafka.CrawlJobsView;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.OcrSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crawl's OCR settings from the crawl jobs view. A crawl not yet in the view is waited for once, up to
 * {@code wait} (its job is produced before its seeds, so it normally arrives first); after that its images use the
 * node defaults without waiting again, until the job shows up. Thread-safe.
 */
public final class CrawlSettingsLookup implements Function<String, Optional<OcrSettings>> {
    private static final Logger log = LoggerFactory.getLogger(CrawlSettingsLookup.class);

    private final CrawlJobsView jobs;
    private final Duration wait;
    private final Set<String> waitedFor = ConcurrentHashMap.newKeySet();

    public CrawlSettingsLookup(CrawlJobsView jobs, Duration wait) {
        this.jobs = jobs;
        this.wait = wait;
    }

    @Override
    public Optional<OcrSettings> apply(String crawlId) {
        Optional<CrawlJob> job = jobs.get(crawlId);
        if (job.isEmpty() && waitedFor.add(crawlId)) {
            job = jobs.await(crawlId, wait);
            if (job.isEmpty()) {
                log.warn("Crawl {} is not in crawl.jobs after {} ms; its images use the node's OCR defaults", crawlId, wait.toMillis());
            }
        }
        return job.map(CrawlJob::ocr);
    }
}
