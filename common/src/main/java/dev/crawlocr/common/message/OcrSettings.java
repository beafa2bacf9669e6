package dev.crawlocr.common.message;

/**
 * OCR settings of a crawl. Every field is optional and defaults to null, which means the analyzer's own setting
 * ({@link #defaults()} is all null).
 *
 * @param languages         tessdata names joined by '+', e.g. "eng", "kor", "eng+kor"; default null
 *                          ({@code OCR_LANGUAGES})
 * @param pageSegMode       Tesseract page segmentation mode (0-13); default null ({@code OCR_PSM})
 * @param minWordConfidence words below this confidence (0-100) are dropped from the word list; default null
 *                          ({@code OCR_MIN_WORD_CONFIDENCE})
 */
public record OcrSettings(String languages, Integer pageSegMode, Integer minWordConfidence) {

    /** The OCR settings of a crawl that sets none; absent JSON fields take their values from it. */
    public static OcrSettings defaults() {
        return new OcrSettings(null, null, null);
    }
}
