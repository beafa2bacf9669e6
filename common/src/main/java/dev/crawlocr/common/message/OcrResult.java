package dev.crawlocr.common.message;

import java.util.List;

/**
 * The OCR of one distinct image in a crawl. Value of {@code crawl.ocr}, keyed by content hash.
 *
 * @param schema          required; {@link #SCHEMA}
 * @param crawlId         required
 * @param contentHash     required; the key
 * @param imageUrl        the image's URL; default null
 * @param status          required: OK, or FAILED with {@code reason} (the image also went to the dead-letter topic)
 * @param reason          why it FAILED; default null
 * @param text            the recognised text; default (also for null) ""
 * @param meanConfidence  Tesseract's mean text confidence, 0-100; default 0
 * @param words           recognised words at or above the crawl's minimum confidence; default empty
 * @param languages       tessdata names joined by '+'; default null
 * @param engineVersion   the Tesseract version; default null
 * @param format          the decoded image format; default null
 * @param width           image width in pixels; default 0
 * @param height          image height in pixels; default 0
 * @param decodeMs        time to decode the image; default 0
 * @param preprocessMs    time to prepare it for OCR; default 0
 * @param ocrMs           time spent in Tesseract; default 0
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

    /**
     * One recognised word and its box in the original image's pixels. Every field defaults to 0, and
     * {@code text} (also for null) to "".
     */
    public record Word(String text, float confidence, int x, int y, int width, int height) {
        public Word {
            text = text == null ? "" : text;
        }
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
