package dev.crawlocr.ctl;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.Urls;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.TopicReader;
import dev.crawlocr.common.message.BadRecordException;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.UrlKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Publishes crawls and their seeds, reads them back, and waits for their completion events. */
public final class CrawlJobs {
    private final CommonConfig config;

    public CrawlJobs(CommonConfig config) {
        this.config = config;
    }

    /**
     * Publishes the job, then its seeds (normalized, grouped by host) as depth-0 discovered URLs.
     *
     * @throws UserError when a seed is not an absolute http(s) URL or Kafka is unreachable
     */
    public void start(CrawlJob job) {
        Urls urls = new Urls(List.of());
        Map<String, List<DiscoveredUrls.Link>> byHost = new LinkedHashMap<>();
        for (String seed : job.seeds()) {
            String n = urls.normalize(seed).orElseThrow(() -> new UserError("Invalid seed '" + seed + "': give an absolute http:// or https:// URL"));
            byHost.computeIfAbsent(Urls.hostKey(n).orElseThrow(), h -> new ArrayList<>()).add(new DiscoveredUrls.Link(n, UrlKind.PAGE, 0));
        }
        Kafka.ready(config);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(config, "crawlctl")) {
            send(producer, Topics.JOBS, job.crawlId(), Json.encode(job));
            for (var e : byHost.entrySet()) {
                send(producer, Topics.DISCOVERED, e.getKey(), Json.encode(new DiscoveredUrls(DiscoveredUrls.SCHEMA, job.crawlId(), e.getKey(), null, e.getValue())));
            }
        }
    }

    /** Republishes the crawl with state STOPPED; the writer stops scheduling it. */
    public CrawlJob stop(String crawlId) {
        CrawlJob job = find(crawlId);
        CrawlJob stopped = job.withState(CrawlJob.State.STOPPED);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(config, "crawlctl")) {
            send(producer, Topics.JOBS, crawlId, Json.encode(stopped));
        }
        return stopped;
    }

    /** @throws UserError when no such crawl was ever started */
    public CrawlJob find(String crawlId) {
        Kafka.ready(config);
        CrawlJob job = all().get(crawlId);
        if (job == null) {
            throw new UserError("Unknown crawl '" + crawlId + "'. 'crawlctl crawl list' shows the crawls.");
        }
        return job;
    }

    /** Every crawl's latest job record, in the order first seen. */
    public Map<String, CrawlJob> all() {
        Map<String, CrawlJob> jobs = new LinkedHashMap<>();
        readAll(Topics.JOBS, r -> {
            if (r.value() != null) {
                try {
                    CrawlJob j = Json.decode(r.value(), CrawlJob.class);
                    jobs.put(j.crawlId(), j);
                } catch (BadRecordException ignored) {
                    // an invalid job record is not a crawl
                }
            }
        });
        return jobs;
    }

    /** The latest completion event of each crawl. */
    public Map<String, CrawlEvent> completions() {
        Map<String, CrawlEvent> done = new LinkedHashMap<>();
        readAll(Topics.EVENTS, r -> {
            try {
                CrawlEvent e = Json.decode(r.value(), CrawlEvent.class);
                if (e.type() == CrawlEvent.Type.COMPLETED) {
                    done.put(e.crawlId(), e);
                }
            } catch (BadRecordException ignored) {
                // not an event this version understands
            }
        });
        return done;
    }

    /** Waits for the crawl's COMPLETED event; empty on timeout. {@code tick} runs about once a second while waiting. */
    public Optional<CrawlEvent> awaitCompletion(String crawlId, Duration timeout, Runnable tick) {
        Kafka.ready(config);
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextTick = 0;
        try (TopicReader reader = Kafka.reader(config, Topics.EVENTS)) {
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(250))) {
                    try {
                        CrawlEvent e = Json.decode(r.value(), CrawlEvent.class);
                        if (e.crawlId().equals(crawlId) && e.type() == CrawlEvent.Type.COMPLETED) {
                            return Optional.of(e);
                        }
                    } catch (BadRecordException ignored) {
                        // skip
                    }
                }
                if (tick != null && System.nanoTime() >= nextTick) {
                    tick.run();
                    nextTick = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
        return Optional.empty();
    }

    /** Hands every record of {@code topic} to {@code each}, up to its end as of now or for 30 s at most. */
    private void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (TopicReader reader = Kafka.reader(config, topic)) {
            reader.readToEnd(Duration.ofSeconds(30), each);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        try {
            Clients.send(producer, topic, key.getBytes(StandardCharsets.UTF_8), value, null).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new UserError("Cannot write to Kafka topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
