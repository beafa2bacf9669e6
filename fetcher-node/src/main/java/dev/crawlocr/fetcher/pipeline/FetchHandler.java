package dev.crawlocr.fetcher.pipeline;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
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
    private final FetchEngine engine;
    private final Emitter emitter;

    public FetchHandler(FetchEngine engine, Emitter emitter) {
        this.engine = engine;
        this.emitter = emitter;
    }

    @Override
    public CompletionStage<?> handle(ConsumerRecord<byte[], byte[]> record) {
        FetchTask task = Json.decode(record.value(), FetchTask.class);
        return engine.submit(task, record.partition()).thenCompose(emitter::emit);
    }

    @Override
    public void onRevoked(Collection<TopicPartition> partitions) {
        engine.revoke(partitions.stream().filter(tp -> tp.topic().equals(Topics.FRONTIER)).map(TopicPartition::partition).toList());
    }
}
