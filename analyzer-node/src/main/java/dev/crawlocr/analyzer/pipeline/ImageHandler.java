package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.common.Retries;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.kafka.RecordFailure;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code crawl.images} records: queues each image for the OCR workers and produces its {@code OcrResult}
 * to {@code crawl.ocr}, keyed by content hash. The stage completes once the result is acknowledged. A FAILED
 * result is produced first and then the stage fails with a {@link RecordFailure}, so the consumer also sends the
 * image to the dead-letter topic with its reason and attempts. A record without valid image headers goes straight
 * to the dead-letter topic.
 *
 * <p>An image still queued when the node shuts down is left unfinished, so it is redelivered rather than failed.
 * Queued images of revoked partitions are not dropped: they finish and are committed by this instance before
 * the partition moves (the queue is short), so no image is read twice.
 */
public final class ImageHandler implements PipelineConsumer.Handler {
    private static final Logger log = LoggerFactory.getLogger(ImageHandler.class);

    private final OcrWorkers workers;
    private final ImageOcr ocr;
    private final Producer<byte[], byte[]> producer;
    private final AnalyzerMetrics metrics;

    public ImageHandler(OcrWorkers workers, ImageOcr ocr, Producer<byte[], byte[]> producer, AnalyzerMetrics metrics) {
        this.workers = workers;
        this.ocr = ocr;
        this.producer = producer;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<?> handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            throw new IllegalArgumentException("The image record has no key; the key must be the content hash");
        }
        ImageMeta meta = ImageMeta.fromHeaders(record.headers(), new String(record.key(), StandardCharsets.UTF_8));
        byte[] bytes = record.value() == null ? new byte[0] : record.value();
        return ocr.submit(workers, meta, bytes)
                .handle((outcome, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(outcome);
                    }
                    if (unwrap(error) instanceof CancellationException) {
                        // shutting down before a worker took it: leave the record unfinished so it is redelivered
                        return new CompletableFuture<Outcome>();
                    }
                    return CompletableFuture.completedFuture(ocr.failed(meta, error));
                })
                .thenCompose(f -> f)
                .thenCompose(outcome -> {
                    metrics.record(outcome);
                    log.debug("Image {} of crawl {}: {} ({} words)", meta.contentHash(), meta.crawlId(), outcome.result().status(),
                            outcome.result().words().size());
                    // Continue off the producer's I/O thread: the consumer may send a dead letter from this stage's
                    // completion, and a send that needs fresh metadata would block the very thread that fetches it.
                    return Clients.send(producer, Topics.OCR, record.key(), Json.encode(outcome.result()), null)
                            .thenComposeAsync(md -> {
                                if (!outcome.failed()) {
                                    return CompletableFuture.completedFuture(md);
                                }
                                metrics.deadLettered(outcome.reason());
                                return CompletableFuture.failedFuture(new RecordFailure(outcome.result().reason(), outcome.attempts(), null));
                            }, Retries.CONTINUATIONS);
                });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
