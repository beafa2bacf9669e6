package dev.crawlocr.common.kafka;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.message.BadRecordException;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's view of the crawls: reads the compacted {@code crawl.jobs} topic from the beginning, without a
 * group, and keeps the latest job per crawl id. Thread-safe. Invalid job records are logged and skipped.
 */
public final class CrawlJobsView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CrawlJobsView.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, CrawlJob> jobs = new ConcurrentHashMap<>();
    private final Object changed = new Object();
    private final Consumer<CrawlJob> listener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    /** @param listener called on the view's thread for every job record read (null for none) */
    private final Set<String> waitedFor = ConcurrentHashMap.newKeySet();

    public CrawlJobsView(CommonConfig common, String clientId, Consumer<CrawlJob> listener) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, common.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-jobs-" + common.nodeId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name("crawl-jobs-view").start(this::run);
    }

    private void run() {
        try {
            List<TopicPartition> tps = consumer.partitionsFor(Topics.JOBS, Duration.ofMinutes(5)).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                if (!caughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    log.info("Crawl jobs view caught up: {} crawls", jobs.size());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("Crawl jobs view stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
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
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
