package dev.crawlocr.common.message;

import java.util.List;

/**
 * The OCR of one distinct image in a crawl. Value of {@code crawl.ocr}, keyed by content hash.
 *
 * @param status          OK, or FAILED with {@code reason} (the image also went to the dead-letter topic)
 * @param meanConfidence  Tesseract's mean text confidence, 0-100
 * @param words           recognised words at or above the crawl's minimum confidence
 * @param languages       tessdata names joined by '+'
 */
public record OcrResult(
        int schema,
        String crawlId,
        String contentHash,
        String imageUrl,
        Status status,
        String reason,
        String text,
        float meanConfidence,
        List<Word> words,
        String languages,
        String engineVersion,
        String format,
        int width,
        int height,
        long decodeMs,
        long preprocessMs,
        long ocrMs) {

    public static final int SCHEMA = 1;

    public enum Status { OK, FAILED }

    /** One recognised word and its box in the original image's pixels. */
    public record Word(String text, float confidence, int x, int y, int width, int height) {
    }

    public OcrResult {
        Check.schema(schema, SCHEMA, "OcrResult");
        Check.text(crawlId, "crawlId");
        Check.text(contentHash, "contentHash");
        Check.present(status, "status");
        words = Check.list(words);
        text = text == null ? "" : text;
    }
}
