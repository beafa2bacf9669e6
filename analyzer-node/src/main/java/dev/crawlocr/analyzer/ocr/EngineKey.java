package dev.crawlocr.analyzer.ocr;

/**
 * What an engine is initialised with; an engine serves only images whose settings share its key.
 *
 * @param languages tessdata names joined by '+', e.g. "eng+kor"
 * @param oem       Tesseract OCR engine mode; 1 is LSTM only
 */
public record EngineKey(String languages, int oem) {
    /** LSTM only, the engine every key uses unless told otherwise. */
    public static final int OEM_LSTM_ONLY = 1;

    public EngineKey {
        if (languages == null || languages.isBlank()) {
            throw new IllegalArgumentException("The parameter 'languages' must not be blank.");
        }
    }

    /** True when a language uses dense glyphs (Hangul, Chinese, Japanese) that need more pixels per line. */
    public boolean denseScript() {
        for (String lang : languages.split("\\+")) {
            if (lang.startsWith("kor") || lang.startsWith("jpn") || lang.startsWith("chi_")) {
                return true;
            }
        }
        return false;
    }
}
