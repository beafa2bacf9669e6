package dev.crawlocr.common.kafka;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.message.BadRecordException;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's view of the crawls: reads the compacted {@code crawl.jobs} topic from the beginning, without a
 * group, and keeps the latest job per crawl id. Thread-safe. Invalid job records are logged and skipped.
 */
public final class CrawlJobsView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CrawlJobsView.class);

    private final TopicReader reader;
    private final Map<String, CrawlJob> jobs = new ConcurrentHashMap<>();
    private final Object changed = new Object();
    private final Consumer<CrawlJob> listener;
    private final Set<String> waitedFor = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    /** @param listener called on the view's thread for every job record read (null for none) */
    public CrawlJobsView(CommonConfig common, String clientId, Consumer<CrawlJob> listener) {
        this.reader = TopicReader.builder(common.bootstrapServers()).clientId(clientId + "-jobs-" + common.nodeId())
                .metadataTimeout(Duration.ofMinutes(5)).build(Topics.JOBS);
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name("crawl-jobs-view").start(this::run);
    }

    private void run() {
        try {
            reader.follow(this::apply, () -> {
                caughtUp = true;
                log.info("Crawl jobs view caught up: {} crawls", jobs.size());
            });
        } catch (RuntimeException e) {
            log.error("Crawl jobs view stopped: {}", e.toString(), e);
        } finally {
            reader.close();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            jobs.remove(new String(r.key(), StandardCharsets.UTF_8));
            return;
        }
        try {
            CrawlJob job = Json.decode(r.value(), CrawlJob.class);
            jobs.put(job.crawlId(), job);
            if (listener != null) {
                listener.accept(job);
            }
        } catch (BadRecordException e) {
            log.warn("Skipping invalid crawl job at offset {}: {}", r.offset(), e.getMessage());
        }
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    public Optional<CrawlJob> get(String crawlId) {
        return Optional.ofNullable(jobs.get(crawlId));
    }

    /**
     * A crawl's job, waiting up to {@code timeout} for it the first time an unknown crawl is asked for (jobs are
     * produced before their seeds, so that wait is short); later calls for a crawl already waited for answer at
     * once, so a crawl missing from {@code crawl.jobs} holds up no caller for longer than one wait.
     */
    public Optional<CrawlJob> getWaitingOnce(String crawlId, Duration timeout) {
        Optional<CrawlJob> job = get(crawlId);
        if (job.isPresent() || !waitedFor.add(crawlId)) {
            return job;
        }
        job = await(crawlId, timeout);
        if (job.isEmpty()) {
            log.warn("Crawl {} is not in crawl.jobs after {} ms; its work is handled without its settings", crawlId, timeout.toMillis());
        }
        return job;
    }

    /** Waits up to {@code timeout} for a crawl to appear. */
    public Optional<CrawlJob> await(String crawlId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (!jobs.containsKey(crawlId) && running) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    changed.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return get(crawlId);
    }

    public Map<String, CrawlJob> all() {
        return Map.copyOf(jobs);
    }

    public boolean isCaughtUp() {
        return caughtUp;
    }

    @Override
    public void close() {
        running = false;
        reader.stop();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
