package dev.crawlocr.common.message;

/**
 * OCR settings of a crawl. Every field is optional and defaults to null, which means the node's own setting
 * ({@link #defaults()} is all null).
 *
 * @param languages         tessdata names joined by '+', e.g. "eng", "kor", "eng+kor"; default null
 *                          ({@code OCR_LANGUAGES})
 * @param pageSegMode       Tesseract page segmentation mode (0-13); default null ({@code OCR_PSM})
 * @param minWordConfidence words below this confidence (0-100) are dropped from the word list; default null
 *                          ({@code OCR_MIN_WORD_CONFIDENCE})
 * @param imageCopyMaxBytes the writer keeps a copy of each of the crawl's images of at most this many bytes (for
 *                          the console); 0 keeps none; default null ({@code WRITER_IMAGE_COPY_MAX_BYTES})
 */
public record OcrSettings(String languages, Integer pageSegMode, Integer minWordConfidence, Long imageCopyMaxBytes) {

    public OcrSettings {
        if (imageCopyMaxBytes != null && imageCopyMaxBytes < 0) {
            throw new IllegalArgumentException("The parameter 'imageCopyMaxBytes' must be >= 0: " + imageCopyMaxBytes);
        }
    }

    /** The OCR settings of a crawl that sets none; absent JSON fields take their values from it. */
    public static OcrSettings defaults() {
        return new OcrSettings(null, null, null, null);
    }
}
