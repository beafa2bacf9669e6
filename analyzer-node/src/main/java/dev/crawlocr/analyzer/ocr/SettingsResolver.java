package dev.crawlocr.analyzer.ocr;

import dev.crawlocr.common.message.OcrSettings;

/**
 * Applies a crawl's {@link OcrSettings} over the node defaults and checks the result against the installed
 * tessdata. The languages {@value Tessdata#AUTO} read every image with {@link Tessdata#AUTO_FIRST} first and again
 * with {@link Tessdata#autoFallback()} when that read is not confident. Immutable and thread-safe.
 */
public final class SettingsResolver {
    private final Tessdata tessdata;
    private final ResolvedSettings defaults;

    /** @throws Tessdata.UnknownLanguageException when the default languages are not installed */
    public SettingsResolver(Tessdata tessdata, String languages, int pageSegMode, int engineMode, int minWordConfidence) {
        this.tessdata = tessdata;
        this.defaults = settings(languages, engineMode, pageSegMode, minWordConfidence);
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
        String languages = crawl.languages() == null || crawl.languages().isBlank() ? defaults.languages() : crawl.languages();
        return settings(languages, defaults.engine().oem(),
                crawl.pageSegMode() == null ? defaults.pageSegMode() : crawl.pageSegMode(),
                crawl.minWordConfidence() == null ? defaults.minWordConfidence() : crawl.minWordConfidence());
    }

    private ResolvedSettings settings(String languages, int oem, int pageSegMode, int minWordConfidence) {
        if (Tessdata.AUTO.equals(languages.strip())) {
            String fallback = tessdata.autoFallback();
            return new ResolvedSettings(new EngineKey(tessdata.check(Tessdata.AUTO_FIRST), oem),
                    fallback == null ? null : new EngineKey(fallback, oem), pageSegMode, minWordConfidence);
        }
        return new ResolvedSettings(new EngineKey(tessdata.check(languages), oem), null, pageSegMode, minWordConfidence);
    }
}
