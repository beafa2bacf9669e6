package dev.crawlocr.common.message;

import java.util.List;

/**
 * The OCR of one distinct image or PDF document in a crawl. Value of {@code crawl.ocr}, keyed by content hash. For a
 * PDF ({@code format} "pdf") the text and words are in {@code pages}, one entry per page, and {@code text} and
 * {@code words} are empty; {@code width} and {@code height} are 0.
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
 * @param pages           a PDF's pages, in order; default (also for null) empty, as for every image
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
        long ocrMs,
        List<Page> pages) {

    public static final int SCHEMA = 1;
    /** {@link Page#source()} of a page whose text came from the PDF's text layer. */
    public static final String TEXT_LAYER = "text-layer";
    /** {@link Page#source()} of a page that was rendered and OCR'd. */
    public static final String OCR = "ocr";

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

    /**
     * One page of a PDF.
     *
     * @param number     required; 1 for the first page
     * @param text       the page's text; default (also for null) ""
     * @param source     required: {@link #TEXT_LAYER} or {@link #OCR}
     * @param confidence Tesseract's mean confidence (0-100) for an OCR'd page, 100 for a text layer; default 0
     * @param words      words with boxes in the pixels of the page rendered at {@code dpi}; default empty
     * @param dpi        the resolution the word boxes refer to (72 means PDF points); default 0
     */
    public record Page(int number, String text, String source, float confidence, List<Word> words, int dpi) {
        public Page {
            Check.atLeast(number, 1, "number");
            Check.text(source, "source");
            text = text == null ? "" : text;
            words = Check.list(words);
        }
    }

    public OcrResult {
        Check.schema(schema, SCHEMA, "OcrResult");
        Check.text(crawlId, "crawlId");
        Check.text(contentHash, "contentHash");
        Check.present(status, "status");
        words = Check.list(words);
        text = text == null ? "" : text;
        pages = Check.list(pages);
    }

    /** A result of an image: no pages. */
    public OcrResult(int schema, String crawlId, String contentHash, String imageUrl, Status status, String reason, String text,
                     float meanConfidence, List<Word> words, String languages, String engineVersion, String format, int width,
                     int height, long decodeMs, long preprocessMs, long ocrMs) {
        this(schema, crawlId, contentHash, imageUrl, status, reason, text, meanConfidence, words, languages, engineVersion, format,
                width, height, decodeMs, preprocessMs, ocrMs, List.of());
    }
}
