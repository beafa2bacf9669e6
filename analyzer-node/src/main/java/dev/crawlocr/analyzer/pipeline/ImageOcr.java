package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.analyzer.image.ImageRejectedException;
import dev.crawlocr.analyzer.ocr.OcrTimeoutException;
import dev.crawlocr.analyzer.pdf.PdfRejectedException;
import dev.crawlocr.analyzer.ocr.ResolvedSettings;
import dev.crawlocr.analyzer.ocr.SettingsResolver;
import dev.crawlocr.analyzer.ocr.TessEngine;
import dev.crawlocr.analyzer.ocr.Tessdata;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.OcrSettings;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one image record, or a PDF ({@link ImageMeta#contentType()} {@value #PDF}, read by {@link PdfAnalyzer}),
 * into its {@link OcrResult} on a worker thread: applies the crawl's settings, answers from
 * the cache when this crawl already read the same bytes, guards against crash loops with an attempt marker, and
 * tries a failing image once more on a fresh engine before giving up. Refused images (too big, not an image,
 * corrupt) and timeouts fail at once, since trying again would fail the same way. Thread-safe.
 */
public final class ImageOcr {
    /** Unfinished earlier attempts (process deaths) after which an image is skipped. */
    static final int MAX_CRASHES = 2;
    private static final Logger log = LoggerFactory.getLogger(ImageOcr.class);

    /** The content type of image records that carry a PDF. */
    public static final String PDF = "application/pdf";

    private final ImageAnalyzer analyzer;
    private final PdfAnalyzer pdfs;
    private final SettingsResolver settings;
    private final Function<String, Optional<OcrSettings>> crawlSettings;
    private final ResultCache cache;
    private final AttemptMarkers markers;
    private final String engineVersion = TessEngine.version();

    /** @param crawlSettings the OCR settings of a crawl by id, empty for an unknown crawl (node defaults apply) */
    public ImageOcr(ImageAnalyzer analyzer, PdfAnalyzer pdfs, SettingsResolver settings, Function<String, Optional<OcrSettings>> crawlSettings,
                    ResultCache cache, AttemptMarkers markers) {
        this.analyzer = analyzer;
        this.pdfs = pdfs;
        this.settings = settings;
        this.crawlSettings = crawlSettings;
        this.cache = cache;
        this.markers = markers;
    }

    /** Queues the record on {@code workers}: a PDF with PDF_TIMEOUT for the whole document, an image with the workers' timeout. */
    public CompletableFuture<Outcome> submit(OcrWorkers workers, ImageMeta meta, byte[] bytes) {
        return isPdf(meta) ? workers.submit(context -> process(meta, bytes, context), pdfs.limits().timeout())
                : workers.submit(context -> process(meta, bytes, context));
    }

    static boolean isPdf(ImageMeta meta) {
        return PDF.equals(meta.contentType());
    }

    public Outcome process(ImageMeta meta, byte[] bytes, OcrWorkers.WorkerContext context) {
        ResolvedSettings s;
        try {
            s = settings.resolve(crawlSettings.apply(meta.crawlId()).orElse(null));
        } catch (Tessdata.UnknownLanguageException e) {
            return failed(meta, "unknown_language", e.getMessage(), 1);
        } catch (IllegalArgumentException e) {
            return failed(meta, "invalid_settings", e.getMessage(), 1);
        }
        // A PDF's analysis can be megabytes: only images are cached, so the cache's entry count bounds its size.
        Optional<Analysis> hit = isPdf(meta) ? Optional.empty() : cache.get(meta.crawlId(), meta.contentHash(), s);
        if (hit.isPresent()) {
            return new Outcome(result(meta, hit.get()), null, 0, true);
        }
        int crashes = markers.begin(meta.contentHash());
        try {
            if (crashes >= MAX_CRASHES) {
                return failed(meta, "crash_loop", "The analyzer process died " + crashes
                        + " times while reading this image; it is not tried again", crashes);
            }
            if (crashes > 0) {
                log.warn("Image {} of crawl {} was being read when the process died; trying again", meta.contentHash(), meta.crawlId());
            }
            return attempt(meta, bytes, s, context);
        } finally {
            markers.end(meta.contentHash());
        }
    }

    private Outcome attempt(ImageMeta meta, byte[] bytes, ResolvedSettings s, OcrWorkers.WorkerContext context) {
        for (int attempt = 1; ; attempt++) {
            try {
                Analysis a = isPdf(meta) ? pdfs.analyze(bytes, s, context) : analyzer.analyze(bytes, s, context);
                if (!isPdf(meta)) {
                    cache.put(meta.crawlId(), meta.contentHash(), s, a);
                }
                return new Outcome(result(meta, a), null, attempt, false);
            } catch (ImageRejectedException e) {
                return failed(meta, e.reason(), e.getMessage(), attempt);
            } catch (OcrTimeoutException e) {
                discardEngines(s, context);
                return failed(meta, timeoutReason(meta), e.getMessage(), attempt);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                discardEngines(s, context);
                if (attempt >= 2) {
                    return failed(meta, "ocr_error", "Failed twice: " + e, attempt);
                }
                log.warn("OCR of {} failed, retrying on a fresh engine: {}", meta.contentHash(), e.toString());
            }
        }
    }

    private static void discardEngines(ResolvedSettings s, OcrWorkers.WorkerContext context) {
        context.engines().discard(s.engine());
        if (s.fallback() != null) {
            context.engines().discard(s.fallback());
        }
    }

    /** A FAILED outcome for an image whose worker never answered (watchdog timeout) or was cancelled. */
    public Outcome failed(ImageMeta meta, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason = cause instanceof OcrTimeoutException ? timeoutReason(meta) : "ocr_error";
        return failed(meta, reason, String.valueOf(cause.getMessage()), 1);
    }

    private static String timeoutReason(ImageMeta meta) {
        return isPdf(meta) ? PdfRejectedException.TIMEOUT : "timeout";
    }

    private Outcome failed(ImageMeta meta, String reason, String message, int attempts) {
        OcrResult r = new OcrResult(OcrResult.SCHEMA, meta.crawlId(), meta.contentHash(), meta.url(), OcrResult.Status.FAILED,
                reason + ": " + message, "", 0f, List.of(), null, engineVersion, isPdf(meta) ? "pdf" : null, 0, 0, 0, 0, 0);
        return new Outcome(r, reason, attempts, false);
    }

    private OcrResult result(ImageMeta meta, Analysis a) {
        return new OcrResult(OcrResult.SCHEMA, meta.crawlId(), meta.contentHash(), meta.url(), OcrResult.Status.OK, null, a.text(),
                a.meanConfidence(), a.words(), a.languages(), engineVersion, a.format(), a.width(), a.height(), a.decodeMs(),
                a.preprocessMs(), a.ocrMs(), a.pages());
    }
}
