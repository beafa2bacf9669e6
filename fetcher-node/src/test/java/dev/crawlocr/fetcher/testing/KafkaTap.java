package dev.crawlocr.fetcher.testing;

import dev.crawlocr.common.kafka.TopicReader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads every record of one topic from the beginning, without a group, on a background thread. */
public final class KafkaTap implements AutoCloseable {
    private final TopicReader reader;
    private final List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
    private final Thread thread;

    public KafkaTap(String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> listener) {
        reader = TopicReader.builder(bootstrap).fetchBytes(32 << 20).build(topic);
        reader.partitions();
        thread = Thread.ofPlatform().daemon().name("tap-" + topic).start(() -> {
            try {
                reader.follow(r -> {
                    records.add(r);
                    if (listener != null) {
                        listener.accept(r);
                    }
                }, null);
            } finally {
                reader.close();
            }
        });
    }

    public List<ConsumerRecord<byte[], byte[]>> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        reader.stop();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
