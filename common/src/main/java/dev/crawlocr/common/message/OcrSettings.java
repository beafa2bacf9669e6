package dev.crawlocr.common.message;

/**
 * OCR settings of a crawl. Null fields fall back to the analyzer's defaults.
 *
 * @param languages         tessdata names joined by '+', e.g. "eng", "kor", "eng+kor"
 * @param pageSegMode       Tesseract page segmentation mode (0-13)
 * @param minWordConfidence words below this confidence (0-100) are dropped from the word list
 */
public record OcrSettings(String languages, Integer pageSegMode, Integer minWordConfidence) {

    public static OcrSettings defaults() {
        return new OcrSettings(null, null, null);
    }
}
