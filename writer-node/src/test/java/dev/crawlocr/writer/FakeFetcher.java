package dev.crawlocr.writer;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Plays the fetcher for the writer's tests: consumes {@code crawl.frontier} in the real fetcher group, hands this
 * crawl's tasks to {@code onTask} (which produces what a fetcher would, synchronously), and commits after each
 * poll, so the group's lag reflects finished work. Tasks of other crawls are consumed and ignored.
 */
final class FakeFetcher implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    FakeFetcher(WriterKit kit, String name, Consumer<FetchTask> onTask) {
        this.consumer = Clients.consumer(kit.common, Topics.GROUP_FETCHER, name, 100);
        this.thread = Thread.ofPlatform().name(name).start(() -> run(kit, onTask));
    }

    private void run(WriterKit kit, Consumer<FetchTask> onTask) {
        try {
            consumer.subscribe(List.of(Topics.FRONTIER));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    FetchTask task = Json.decode(r.value(), FetchTask.class);
                    if (task.crawlId().equals(kit.crawlId)) {
                        fetches.computeIfAbsent(task.url(), k -> new AtomicInteger()).incrementAndGet();
                        onTask.accept(task);
                    }
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            errors.add(t);
        } finally {
            consumer.close();
        }
    }

    /** Fetch count per URL of this crawl. */
    Map<String, Integer> fetches() {
        Map<String, Integer> out = new ConcurrentHashMap<>();
        fetches.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    List<Throwable> errors() {
        return List.copyOf(errors);
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
