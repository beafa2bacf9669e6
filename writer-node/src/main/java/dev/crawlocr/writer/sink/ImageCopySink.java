package dev.crawlocr.writer.sink;

import dev.crawlocr.common.message.BadRecordException;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.writer.pipeline.BatchSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Keeps copies of {@code crawl.images} records in {@code image_copies}, one per crawl and content hash, so the
 * console can show an image after the topic dropped it. An image is kept only when it is not empty and at most
 * its crawl's cap ({@code OcrSettings.imageCopyMaxBytes}, else {@code defaultMaxBytes}; 0 keeps none). The first
 * copy stays: redelivery and the same image on other pages change nothing.
 */
public final class ImageCopySink implements BatchSink<ImageCopySink.Copy> {

    /** One image record: its metadata (from the headers) and bytes. */
    public record Copy(ImageMeta meta, byte[] bytes) {
    }

    private static final String INSERT = """
            INSERT INTO image_copies (crawl_id, content_hash, content_type, bytes)
            SELECT c.id, ?, ?, ? FROM crawls c
            WHERE c.id = ? AND ? > 0 AND ? <= COALESCE((c.ocr->>'imageCopyMaxBytes')::bigint, ?)
            ON CONFLICT (crawl_id, content_hash) DO NOTHING""";

    private final long defaultMaxBytes;
    private final Counter rows;

    /** @param defaultMaxBytes the cap of a crawl that sets none ({@code WRITER_IMAGE_COPY_MAX_BYTES}) */
    public ImageCopySink(long defaultMaxBytes, MeterRegistry metrics) {
        this.defaultMaxBytes = defaultMaxBytes;
        this.rows = Sql.rows(metrics, "image_copies");
    }

    @Override
    public String name() {
        return "images";
    }

    /**
     * The record's copy. A record without a key or valid metadata is refused; the writer's image stage passes over
     * refused records, since the analyzer, which reads the same records, dead-letters them.
     */
    @Override
    public Copy decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            throw new BadRecordException("An image record without a key (its content hash)");
        }
        try {
            ImageMeta meta = ImageMeta.fromHeaders(record.headers(), new String(record.key(), StandardCharsets.UTF_8));
            return new Copy(meta, record.value() == null ? new byte[0] : record.value());
        } catch (IllegalArgumentException e) {
            throw new BadRecordException("Image metadata: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(Connection c, List<Copy> batch) throws SQLException {
        Map<String, Copy> distinct = new LinkedHashMap<>();
        batch.forEach(copy -> distinct.putIfAbsent(copy.meta().crawlId() + '\0' + copy.meta().contentHash(), copy));
        if (distinct.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Copy copy : distinct.values()) {
                ps.setString(1, copy.meta().contentHash());
                Sql.setText(ps, 2, copy.meta().contentType().isEmpty() ? null : copy.meta().contentType());
                ps.setBytes(3, copy.bytes());
                ps.setString(4, copy.meta().crawlId());
                ps.setLong(5, copy.bytes().length);
                ps.setLong(6, copy.bytes().length);
                ps.setLong(7, defaultMaxBytes);
                ps.addBatch();
            }
            rows.increment(Sql.executeBatch(ps));
        }
    }
}
