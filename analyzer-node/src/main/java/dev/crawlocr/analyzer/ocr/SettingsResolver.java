package dev.crawlocr.analyzer.ocr;

import dev.crawlocr.common.message.OcrSettings;

/**
 * Applies a crawl's {@link OcrSettings} over the node defaults and checks the result against the installed
 * tessdata. Immutable and thread-safe.
 */
public final class SettingsResolver {
    private final Tessdata tessdata;
    private final ResolvedSettings defaults;

    /** @throws Tessdata.UnknownLanguageException when the default languages are not installed */
    public SettingsResolver(Tessdata tessdata, String languages, int pageSegMode, int engineMode, int minWordConfidence) {
        this.tessdata = tessdata;
        this.defaults = new ResolvedSettings(new EngineKey(tessdata.check(languages), engineMode), pageSegMode, minWordConfidence);
    }

    public ResolvedSettings defaults() {
        return defaults;
    }

    /**
     * @param crawl the crawl's settings, or null for the defaults
     * @throws Tessdata.UnknownLanguageException naming unknown languages and the installed ones
     * @throws IllegalArgumentException          for an out-of-range page segmentation mode or confidence
     */
    public ResolvedSettings resolve(OcrSettings crawl) {
        if (crawl == null) {
            return defaults;
        }
        String languages = crawl.languages() == null || crawl.languages().isBlank()
                ? defaults.languages() : tessdata.check(crawl.languages());
        return new ResolvedSettings(new EngineKey(languages, defaults.engine().oem()),
                crawl.pageSegMode() == null ? defaults.pageSegMode() : crawl.pageSegMode(),
                crawl.minWordConfidence() == null ? defaults.minWordConfidence() : crawl.minWordConfidence());
    }
}
