package dev.crawlocr.analyzer.ocr;

/**
 * The OCR settings one image is read with: a crawl's {@code OcrSettings} over the node defaults, checked.
 *
 * @param engine            languages and engine mode, which pick the engine
 * @param pageSegMode       page segmentation mode, set on the engine for every image
 * @param minWordConfidence words below this confidence (0-100) are left out of the word list
 */
public record ResolvedSettings(EngineKey engine, int pageSegMode, int minWordConfidence) {
    public ResolvedSettings {
        if (pageSegMode < 0 || pageSegMode > 13) {
            throw new IllegalArgumentException("Invalid page segmentation mode " + pageSegMode + ": must be between 0 and 13");
        }
        if (minWordConfidence < 0 || minWordConfidence > 100) {
            throw new IllegalArgumentException("Invalid minimum word confidence " + minWordConfidence + ": must be between 0 and 100");
        }
    }

    public String languages() {
        return engine.languages();
    }

    /** True when a language uses dense glyphs (Hangul, Chinese, Japanese) that need more pixels per line. */
    public boolean denseScript() {
        for (String lang : engine.languages().split("\\+")) {
            if (lang.startsWith("kor") || lang.startsWith("jpn") || lang.startsWith("chi_")) {
                return true;
            }
        }
        return false;
    }
}
