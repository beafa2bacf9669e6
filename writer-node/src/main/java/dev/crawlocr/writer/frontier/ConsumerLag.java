package dev.crawlocr.writer.frontier;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * Total consumer-group lag over some topics, from {@link dev.crawlocr.common.kafka.ConsumerLag}: records not yet
 * committed by the group, counting from a partition's start where it never committed. A group that never
 * consumed therefore lags by everything in the topics. Thread-safe; each call asks the broker.
 */
public final class ConsumerLag {
    private final Admin admin;

    public ConsumerLag(Admin admin) {
        this.admin = admin;
    }

    /** Total lag of {@code group} over {@code topics}; throws when the broker does not answer in time. */
    public long lag(String group, Collection<String> topics) throws InterruptedException {
        try {
            return dev.crawlocr.common.kafka.ConsumerLag.byTopic(admin, group, List.copyOf(topics)).values().stream()
                    .mapToLong(Long::longValue).sum();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the lag of group " + group + " on " + topics + ": " + e.getMessage(), e);
        }
    }

    /** Lag of one group on one topic. */
    public long lag(String group, String topic) throws InterruptedException {
        return lag(group, List.of(topic));
    }
}
