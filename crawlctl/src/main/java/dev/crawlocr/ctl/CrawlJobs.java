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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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

    /** What {@link #startWithList} sent: URLs, in how many records, and how many lines it refused. */
    public record ListSent(long urls, int records, long refused) {
    }

    /** URLs of a list sent in one batch: a record per host among them. */
    static final int LIST_BATCH = 1000;

    /**
     * Publishes a crawl whose URLs come as a list: the job (with {@link CrawlJob#LIST_SENDING}), then the list read
     * line by line from {@code in}, in batches of {@value #LIST_BATCH} URLs as depth-0 records of
     * {@code crawl.discovered} (one per host in a batch, numbered), then the job again with the number of records, so
     * the writer knows when the whole list is registered. Memory holds one batch, whatever the list's length. A line
     * that is not an absolute http(s) URL is reported on {@code err} with its line number and skipped; blank lines
     * and lines starting with '#' are skipped silently.
     *
     * @param name the list's name in the messages (its file name, or "stdin")
     * @throws UserError when no line holds a URL, the list cannot be read, or Kafka is unreachable
     */
    public ListSent startWithList(CrawlJob job, BufferedReader in, String name, PrintStream err) {
        Urls urls = new Urls(List.of());
        Kafka.ready(config);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(config, "crawlctl")) {
            send(producer, Topics.JOBS, job.crawlId(), Json.encode(job));
            List<CompletableFuture<?>> sends = new ArrayList<>();
            Map<String, List<DiscoveredUrls.Link>> batch = new LinkedHashMap<>();
            int inBatch = 0;
            int records = 0;
            long listed = 0;
            long refused = 0;
            long lineNo = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String url = line.strip();
                if (url.isEmpty() || url.startsWith("#")) {
                    continue;
                }
                Optional<String> n = urls.normalize(url);
                if (n.isEmpty()) {
                    refused++;
                    err.printf("crawlctl: %s:%d: not an absolute http(s) URL, skipped: %s%n", name, lineNo, abbreviate(url));
                    continue;
                }
                batch.computeIfAbsent(Urls.hostKey(n.get()).orElseThrow(), h -> new ArrayList<>()).add(new DiscoveredUrls.Link(n.get(), UrlKind.PAGE, 0));
                listed++;
                if (++inBatch == LIST_BATCH) {
                    records = sendBatch(producer, job.crawlId(), batch, records, sends);
                    inBatch = 0;
                }
            }
            records = sendBatch(producer, job.crawlId(), batch, records, sends);
            await(sends);
            if (records == 0) {
                send(producer, Topics.JOBS, job.crawlId(), Json.encode(job.withState(CrawlJob.State.STOPPED)));
                throw new UserError("No URL in " + name + " (" + refused + " lines refused); crawl " + job.crawlId() + " stopped");
            }
            send(producer, Topics.JOBS, job.crawlId(), Json.encode(job.withListRecords(records)));
            return new ListSent(listed, records, refused);
        } catch (IOException e) {
            throw new UserError("Cannot read the URL list " + name + ": " + e + "; crawl " + job.crawlId() + " waits for its list to be"
                    + " sent again, or 'crawlctl crawl stop " + job.crawlId() + "'", e);
        }
    }

    /** Sends the batch as one record per host, numbered from {@code records}, and empties it; returns the next number. */
    private static int sendBatch(KafkaProducer<byte[], byte[]> producer, String crawlId, Map<String, List<DiscoveredUrls.Link>> batch,
                                 int records, List<CompletableFuture<?>> sends) {
        for (var e : batch.entrySet()) {
            byte[] value = Json.encode(DiscoveredUrls.listPart(crawlId, e.getKey(), e.getValue(), records++));
            sends.add(Clients.send(producer, Topics.DISCOVERED, e.getKey().getBytes(StandardCharsets.UTF_8), value, null));
        }
        batch.clear();
        if (sends.size() >= LIST_BATCH) { // the acknowledged ones are let go, so memory stays bounded
            await(sends);
        }
        return records;
    }

    private static void await(List<CompletableFuture<?>> sends) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new UserError("Cannot write the URL list to Kafka topic " + Topics.DISCOVERED + ": " + e.getMessage(), e);
        }
        sends.clear();
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
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

    /**
     * Waits for the crawl's COMPLETED event, or a recrawling crawl's first CYCLE_COMPLETED (it never completes);
     * empty on timeout. {@code tick} runs about once a second while waiting.
     */
    public Optional<CrawlEvent> awaitCompletion(String crawlId, Duration timeout, Runnable tick) {
        Kafka.ready(config);
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextTick = 0;
        try (TopicReader reader = Kafka.reader(config, Topics.EVENTS)) {
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(250))) {
                    try {
                        CrawlEvent e = Json.decode(r.value(), CrawlEvent.class);
                        if (e.crawlId().equals(crawlId) && (e.type() == CrawlEvent.Type.COMPLETED || e.type() == CrawlEvent.Type.CYCLE_COMPLETED)) {
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
