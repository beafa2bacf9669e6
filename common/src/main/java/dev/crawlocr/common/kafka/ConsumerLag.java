package dev.crawlocr.common.kafka;

import java.util.ArrayList;
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
 * has not committed count as lag, so zero lag means every record's effect is durable.
 */
public final class ConsumerLag {

    public static Map<String, Long> byTopic(Admin admin, String group, List<String> topics) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        List<TopicPartition> tps = new ArrayList<>();
        admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
                .forEach((name, d) -> d.partitions().forEach(p -> tps.add(new TopicPartition(name, p.partition()))));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = offsets(admin, tps, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start = offsets(admin, tps, OffsetSpec.earliest());
        Map<String, Long> lag = new LinkedHashMap<>();
        topics.forEach(t -> lag.put(t, 0L));
        for (TopicPartition tp : tps) {
            OffsetAndMetadata c = committed.get(tp);
            long from = c == null ? start.get(tp).offset() : c.offset();
            lag.merge(tp.topic(), Math.max(0, end.get(tp).offset() - from), Long::sum);
        }
        return lag;
    }

    private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(Admin admin, List<TopicPartition> tps, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        tps.forEach(tp -> req.put(tp, spec));
        return admin.listOffsets(req).all().get(10, TimeUnit.SECONDS);
    }

    private ConsumerLag() {
    }
}
