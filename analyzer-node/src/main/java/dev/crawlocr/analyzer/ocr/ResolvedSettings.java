package dev.crawlocr.analyzer.ocr;

/**
 * The OCR settings one image is read with: a crawl's {@code OcrSettings} over the node defaults, checked.
 *
 * @param engine            languages and engine mode, which pick the engine every image is read with first
 * @param fallback          with automatic languages ({@code auto}), the engine that reads an image again when the
 *                          first read is not confident (the other installed scripts plus the first language); null
 *                          when the languages are fixed
 * @param pageSegMode       page segmentation mode, set on the engine for every image
 * @param minWordConfidence words below this confidence (0-100) are left out of the word list
 */
public record ResolvedSettings(EngineKey engine, EngineKey fallback, int pageSegMode, int minWordConfidence) {
    public ResolvedSettings {
        if (pageSegMode < 0 || pageSegMode > 13) {
            throw new IllegalArgumentException("Invalid page segmentation mode " + pageSegMode + ": must be between 0 and 13");
        }
        if (minWordConfidence < 0 || minWordConfidence > 100) {
            throw new IllegalArgumentException("Invalid minimum word confidence " + minWordConfidence + ": must be between 0 and 100");
        }
    }

    /** The languages as the crawl asked for them: {@value Tessdata#AUTO} or the fixed list. */
    public String languages() {
        return fallback == null ? engine.languages() : Tessdata.AUTO;
    }
}
