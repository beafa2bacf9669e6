package dev.crawlocr.common.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind on some topics: per topic, the sum over partitions of the end offset minus
 * the group's committed offset (the earliest offset where it has not committed). Records a group consumed but
 * has not committed count as lag, so zero lag means every record's effect is durable; a group that never consumed
 * lags by everything in the topics. Thread-safe; each call asks the broker, and throws when it does not answer in time.
 */
public final class ConsumerLag {
    private final Admin admin;

    public ConsumerLag(Admin admin) {
        this.admin = admin;
    }

    /** The lag of {@code group} on each of {@code topics}, in their order. */
    public Map<String, Long> byTopic(String group, Collection<String> topics) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            List<TopicPartition> tps = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
                    .forEach((name, d) -> d.partitions().forEach(p -> tps.add(new TopicPartition(name, p.partition()))));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = offsets(tps, OffsetSpec.latest());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start = offsets(tps, OffsetSpec.earliest());
            Map<String, Long> lag = new LinkedHashMap<>();
            topics.forEach(t -> lag.put(t, 0L));
            for (TopicPartition tp : tps) {
                OffsetAndMetadata c = committed.get(tp);
                long from = c == null ? start.get(tp).offset() : c.offset();
                lag.merge(tp.topic(), Math.max(0, end.get(tp).offset() - from), Long::sum);
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the lag of group " + group + " on " + topics + ": " + e.getMessage(), e);
        }
    }

    /** The total lag of {@code group} over {@code topics}. */
    public long lag(String group, Collection<String> topics) throws InterruptedException {
        return byTopic(group, topics).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The lag of {@code group} on one topic. */
    public long lag(String group, String topic) throws InterruptedException {
        return lag(group, List.of(topic));
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(List<TopicPartition> tps, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        tps.forEach(tp -> req.put(tp, spec));
        return admin.listOffsets(req).all().get(10, TimeUnit.SECONDS);
    }
}
