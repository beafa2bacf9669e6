package dev.crawlocr.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of one or more topics from the beginning, without a consumer group: nothing is committed
 * and no other reader is affected. Keys and values stay bytes; callers decode them.
 *
 * <p>Contract:
 * <ul>
 *   <li>Building a reader does no I/O. The first call that needs the partitions looks them up (waiting up to the
 *       metadata timeout, 60 s unless set) and assigns all of them. A topic that does not exist fails that call
 *       with an {@link UnknownTopicOrPartitionException} naming it; reading never creates a topic. Partitions
 *       added later are not read.</li>
 *   <li>Reading starts at each partition's oldest record (or the last few, {@link #seekToLast}). Offsets that
 *       compaction or deletion removed are skipped; tombstones still in a compacted topic are handed over as
 *       records with a null value. Should retention delete records the reader has not reached yet, it goes on at
 *       the oldest record left.</li>
 *   <li>{@link #readToEnd} reads up to the end offsets as they are when it is called. Records that arrive during
 *       the read may be handed over too (those fetched along with older ones).</li>
 *   <li>Records are handed over on the calling thread, in offset order within each partition.</li>
 * </ul>
 *
 * <p>Not thread-safe, like the {@link KafkaConsumer} inside: one thread reads and closes it. Only {@link #stop()}
 * may be called from any thread.
 */
public final class TopicReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Duration metadataTimeout;
    private List<TopicPartition> partitions;
    private volatile boolean stopped;

    private TopicReader(Builder b, List<String> topics) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        if (b.clientId != null) {
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, b.clientId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        if (b.fetchBytes > 0) {
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, b.fetchBytes);
        }
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        this.topics = topics;
        this.metadataTimeout = b.metadataTimeout;
    }

    /** Starts building a reader of the broker(s) at {@code bootstrapServers} ({@code host:port,...}). */
    public static Builder builder(String bootstrapServers) {
        return new Builder(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
    }

    /** The partitions read, every partition of the topics, looked up on the first call. */
    public List<TopicPartition> partitions() {
        if (partitions == null) {
            List<TopicPartition> all = new ArrayList<>();
            for (String topic : topics) {
                var infos = consumer.partitionsFor(topic, metadataTimeout);
                if (infos.isEmpty()) {
                    throw new UnknownTopicOrPartitionException("Topic " + topic + " does not exist");
                }
                infos.forEach(pi -> all.add(new TopicPartition(topic, pi.partition())));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            partitions = List.copyOf(all);
        }
        return partitions;
    }

    /**
     * Moves every partition to {@code recordsPerPartition} offsets before its end, but not before its beginning:
     * the next reads hand over at most the last {@code recordsPerPartition} records of each partition (fewer where
     * compaction removed some) and what arrives after them. 0 (or less) skips everything there is now.
     */
    public void seekToLast(long recordsPerPartition) {
        List<TopicPartition> tps = partitions();
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        for (TopicPartition tp : tps) {
            long last = end.get(tp);
            consumer.seek(tp, Math.max(begin.get(tp), last - Math.max(0, recordsPerPartition)));
        }
    }

    /** The records that arrive within {@code timeout} (none once stopped). */
    public List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (!stopped) {
            try {
                partitions();
                consumer.poll(timeout).forEach(out::add);
            } catch (WakeupException e) {
                // stopped
            }
        }
        return out;
    }

    /**
     * Hands every record up to the end offsets as of this call to {@code each}.
     *
     * @param timeout how long to read at most; null for no limit
     * @return true when every partition was read to its end; false when the time ran out or the reader was stopped
     */
    public boolean readToEnd(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long start = System.nanoTime();
        try {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions());
            while (!stopped) {
                if (reached(end)) {
                    return true;
                }
                if (timeout != null && System.nanoTime() - start >= timeout.toNanos()) {
                    return false;
                }
                hand(consumer.poll(POLL), each);
            }
        } catch (WakeupException e) {
            // stopped
        }
        return false;
    }

    /**
     * Hands every record to {@code each} as it arrives, until {@link #stop()}. {@code caughtUp} (null for none) runs
     * once, on this thread, when the records there were when following began have all been handed over.
     */
    public void follow(Consumer<ConsumerRecord<byte[], byte[]>> each, Runnable caughtUp) {
        try {
            if (stopped) {
                return;
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions());
            boolean behind = true;
            while (!stopped) {
                hand(consumer.poll(POLL), each);
                if (behind && !stopped && reached(end)) {
                    behind = false;
                    if (caughtUp != null) {
                        caughtUp.run();
                    }
                }
            }
        } catch (WakeupException e) {
            // stopped
        }
    }

    /**
     * Ends the reading: a {@link #readToEnd} or {@link #follow} in progress returns after the record being handed
     * over (or at once when it is waiting for the broker), and later reads return at once. Callable from any
     * thread, the handler included; the reader still has to be closed by its own thread.
     */
    public void stop() {
        stopped = true;
        consumer.wakeup();
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void hand(Iterable<ConsumerRecord<byte[], byte[]>> records, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (stopped) {
                return;
            }
            each.accept(r);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** Settings of a reader; each has a default. */
    public static final class Builder {
        private final String bootstrapServers;
        private String clientId;
        private int fetchBytes;
        private Duration metadataTimeout = Duration.ofSeconds(60);

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        /** The consumer's {@code client.id}, as brokers log and quote it; default: one Kafka makes up. */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /**
         * Bytes fetched per partition and request ({@code max.partition.fetch.bytes}); default Kafka's 1 MiB. A
         * larger record batch is still fetched, alone; more bytes only save round trips when records are big.
         */
        public Builder fetchBytes(int fetchBytes) {
            if (fetchBytes < 1) {
                throw new IllegalArgumentException("The parameter 'fetchBytes' must be >= 1, not " + fetchBytes);
            }
            this.fetchBytes = fetchBytes;
            return this;
        }

        /** How long the partitions are waited for when a topic's metadata is not at hand; default 60 s. */
        public Builder metadataTimeout(Duration metadataTimeout) {
            this.metadataTimeout = Objects.requireNonNull(metadataTimeout, "metadataTimeout");
            return this;
        }

        /** A reader of every partition of {@code topics}, at their beginning. */
        public TopicReader build(String... topics) {
            if (topics.length == 0) {
                throw new IllegalArgumentException("The parameter 'topics' must name at least one topic");
            }
            return new TopicReader(this, List.of(topics));
        }
    }
}
