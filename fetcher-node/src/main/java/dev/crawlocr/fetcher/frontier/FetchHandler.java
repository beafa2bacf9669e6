package dev.crawlocr.fetcher.frontier;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.fetcher.outcome.Emitter;
import java.util.Collection;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The frontier consumer's handler: decodes a {@link FetchTask} (an unreadable record goes to the dead-letter topic
 * with the reason), queues it on its host, and completes once its outcome is produced and acknowledged.
 * Revoked partitions hand their queued tasks back.
 */
public final class FetchHandler implements PipelineConsumer.Handler {
    private final HostQueues queues;
    private final Emitter emitter;

    public FetchHandler(HostQueues queues, Emitter emitter) {
        this.queues = queues;
        this.emitter = emitter;
    }

    @Override
    public CompletionStage<?> handle(ConsumerRecord<byte[], byte[]> record) {
        FetchTask task = Json.decode(record.value(), FetchTask.class);
        return queues.submit(task, record.partition()).thenCompose(emitter::emit);
    }

    @Override
    public void onRevoked(Collection<TopicPartition> partitions) {
        queues.revoke(partitions.stream().filter(tp -> tp.topic().equals(Topics.FRONTIER)).map(TopicPartition::partition).toList());
    }
}
