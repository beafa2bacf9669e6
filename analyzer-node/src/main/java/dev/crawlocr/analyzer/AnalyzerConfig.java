package dev.crawlocr.analyzer;

import static dev.crawlocr.common.config.ConfigDef.Type.BYTES;
import static dev.crawlocr.common.config.ConfigDef.Type.DOUBLE;
import static dev.crawlocr.common.config.ConfigDef.Type.DURATION;
import static dev.crawlocr.common.config.ConfigDef.Type.INT;
import static dev.crawlocr.common.config.ConfigDef.Type.LONG;
import static dev.crawlocr.common.config.ConfigDef.Type.STRING;

import dev.crawlocr.analyzer.pipeline.PdfAnalyzer;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.config.Config;
import dev.crawlocr.common.config.ConfigDef;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The analyzer's configuration, built once from the environment and flags. Per-crawl {@code OcrSettings} override
 * the OCR defaults (languages, page segmentation mode, minimum word confidence).
 *
 * @param workers            OCR worker threads, each owning its engines; default the core count
 * @param queueCapacity      images queued for the workers before partitions are paused; default 2 x workers
 * @param languages          default tessdata languages joined by '+'
 * @param pageSegMode        default Tesseract page segmentation mode (6 = a single uniform block of text, which reads small web-image text far more reliably than 3)
 * @param engineMode         Tesseract OCR engine mode (1 = LSTM only)
 * @param minWordConfidence  default minimum confidence (0-100) of words kept in the word list
 * @param tessdata           directory holding {@code *.traineddata}
 * @param dpi                resolution Tesseract is told the prepared image has; 0 lets it estimate one
 * @param timeout            watchdog limit on decoding plus OCR of one image
 * @param engineMaxImages    an engine is recycled (freed and re-created) after this many images
 * @param memoryBudget       process resident memory past which engines are recycled
 * @param maxPixels          largest width x height decoded (read from the header first)
 * @param upscaleLineHeight  Latin text lines shorter than 3/4 of this many pixels are upscaled towards it; 0 disables
 * @param upscaleDenseLineHeight the same for dense scripts (Hangul, CJK)
 * @param maxScale           largest upscaling factor
 * @param stateDir           where attempt markers survive a crash of the process; must outlive restarts, and
 *                           instances on one host may share it
 * @param cacheSize          results kept per node so an image seen again in a crawl is not OCR'd again
 * @param crawlWait          how long to wait for an unknown crawl's job before using the node defaults
 * @param pdfMaxPages        a PDF with more pages is refused (pdf_too_many_pages) before any page is read
 * @param pdfMaxPagePixels   most pixels of one page rendered for OCR; the resolution is lowered to fit, and a page
 *                           that fits only below 100 dpi is refused (pdf_page_too_large)
 * @param pdfDpi             resolution PDF pages without a usable text layer are rendered at for OCR
 * @param pdfTimeout         watchdog limit on reading one PDF, all of its pages together (pdf_timeout)
 */
public record AnalyzerConfig(
        CommonConfig common,
        int workers,
        int queueCapacity,
        String languages,
        int pageSegMode,
        int engineMode,
        int minWordConfidence,
        Path tessdata,
        int dpi,
        Duration timeout,
        int engineMaxImages,
        long memoryBudget,
        long maxPixels,
        int upscaleLineHeight,
        int upscaleDenseLineHeight,
        double maxScale,
        Path stateDir,
        int cacheSize,
        Duration crawlWait,
        int pdfMaxPages,
        long pdfMaxPagePixels,
        int pdfDpi,
        Duration pdfTimeout) {

    public static final ConfigDef DEF = new ConfigDef().include(CommonConfig.DEF)
            .define("ANALYZER_WORKERS", INT, "0", ConfigDef.between(0, 1024), "between 0 and 1024",
                    "OCR worker threads; 0 means one per core")
            .define("ANALYZER_QUEUE_CAPACITY", INT, "0", ConfigDef.between(0, 100_000), "between 0 and 100000",
                    "Images queued before partitions are paused; 0 means 2 x workers")
            .define("OCR_LANGUAGES", STRING, "eng", "Default tessdata languages joined by '+', e.g. eng, kor, kor+eng; auto chooses per image")
            .define("OCR_PSM", INT, "6", ConfigDef.between(0, 13), "between 0 and 13", "Default page segmentation mode; 6 = one uniform block of text")
            .define("OCR_ENGINE_MODE", INT, "1", ConfigDef.between(0, 3), "between 0 and 3", "Tesseract OCR engine mode; 1 = LSTM only")
            .define("OCR_MIN_WORD_CONFIDENCE", INT, "0", ConfigDef.between(0, 100), "between 0 and 100",
                    "Default minimum confidence of words kept in the word list")
            .define("OCR_TESSDATA_DIR", STRING, "/usr/share/tesseract-ocr/5/tessdata", "Directory of *.traineddata files")
            .define("OCR_DPI", INT, "0", v -> (Integer) v == 0 || (Integer) v >= 70 && (Integer) v <= 2400, "0 or between 70 and 2400",
                    "Resolution Tesseract assumes; 0 lets it estimate from the text size, as the tesseract command does")
            .define("OCR_TIMEOUT", DURATION, "30s", ConfigDef.positiveDuration(), "a positive duration",
                    "Watchdog limit on decoding plus OCR of one image")
            .define("OCR_ENGINE_MAX_IMAGES", INT, "1000", ConfigDef.between(1, 10_000_000), "between 1 and 10000000",
                    "Images an engine recognises before it is recycled")
            .define("OCR_MEMORY_BUDGET", BYTES, "0", ConfigDef.atLeast(0), "0 or more",
                    "Process resident memory past which engines are recycled; 0 means max heap + 512MB per worker")
            .define("IMAGE_MAX_PIXELS", LONG, "40000000", ConfigDef.between(1, 1L << 34), "between 1 and 2^34",
                    "Largest width x height decoded; checked from the header before decoding")
            .define("OCR_UPSCALE_LINE_HEIGHT", INT, "16", ConfigDef.between(0, 400), "between 0 and 400",
                    "Latin text lines shorter than 3/4 of this (px) are upscaled towards it; 0 disables upscaling")
            .define("OCR_UPSCALE_LINE_HEIGHT_DENSE", INT, "24", ConfigDef.between(0, 400), "between 0 and 400",
                    "The same for dense scripts (kor, jpn, chi_*), whose glyphs need more pixels")
            .define("OCR_MAX_SCALE", DOUBLE, "4", v -> (Double) v >= 1 && (Double) v <= 8, "between 1 and 8",
                    "Largest upscaling factor")
            .define("ANALYZER_STATE_DIR", STRING, Path.of(System.getProperty("java.io.tmpdir"), "crawlocr-analyzer").toString(),
                    "Directory for attempt markers that survive a crash and restart (crash-loop detection)")
            .define("OCR_CACHE_SIZE", INT, "50000", ConfigDef.between(0, 10_000_000), "between 0 and 10000000",
                    "OCR results remembered by content hash per crawl; 0 disables the cache")
            .define("ANALYZER_CRAWL_WAIT", DURATION, "10s", ConfigDef.positiveDuration(), "a positive duration",
                    "How long to wait for an unknown crawl's job before using the node defaults")
            .define("PDF_MAX_PAGES", INT, "500", ConfigDef.between(1, 100_000), "between 1 and 100000",
                    "PDFs with more pages are refused (pdf_too_many_pages) before any page is read")
            .define("PDF_MAX_PAGE_PIXELS", LONG, "12000000", ConfigDef.between(10_000, 1L << 30), "between 10000 and 2^30",
                    "Most pixels of one PDF page rendered for OCR; the resolution is lowered to fit, down to 100 dpi (else pdf_page_too_large)")
            .define("PDF_DPI", INT, "300", ConfigDef.between(100, 1200), "between 100 and 1200",
                    "Resolution PDF pages without a usable text layer are rendered at for OCR")
            .define("PDF_TIMEOUT", DURATION, "120s", ConfigDef.positiveDuration(), "a positive duration",
                    "Watchdog limit on reading one PDF, all pages together (pdf_timeout)");

    /** The PDF limits of {@link PdfAnalyzer}. */
    public PdfAnalyzer.Limits pdfLimits() {
        return new PdfAnalyzer.Limits(pdfMaxPages, pdfMaxPagePixels, pdfDpi, pdfTimeout);
    }

    /** The configuration {@code c} holds ({@code c} from {@code DEF.parse(env, args)}). */
    public static AnalyzerConfig from(Config c) {
        int workers = c.integer("ANALYZER_WORKERS") == 0 ? Runtime.getRuntime().availableProcessors() : c.integer("ANALYZER_WORKERS");
        int queue = c.integer("ANALYZER_QUEUE_CAPACITY") == 0 ? 2 * workers : c.integer("ANALYZER_QUEUE_CAPACITY");
        long budget = c.bytes("OCR_MEMORY_BUDGET") == 0
                ? Runtime.getRuntime().maxMemory() + (512L << 20) * workers : c.bytes("OCR_MEMORY_BUDGET");
        return new AnalyzerConfig(CommonConfig.from(c), workers, queue, c.string("OCR_LANGUAGES"), c.integer("OCR_PSM"),
                c.integer("OCR_ENGINE_MODE"), c.integer("OCR_MIN_WORD_CONFIDENCE"), Path.of(c.string("OCR_TESSDATA_DIR")),
                c.integer("OCR_DPI"), c.duration("OCR_TIMEOUT"), c.integer("OCR_ENGINE_MAX_IMAGES"), budget,
                c.longValue("IMAGE_MAX_PIXELS"), c.integer("OCR_UPSCALE_LINE_HEIGHT"), c.integer("OCR_UPSCALE_LINE_HEIGHT_DENSE"),
                c.doubleValue("OCR_MAX_SCALE"),
                Path.of(c.string("ANALYZER_STATE_DIR")), c.integer("OCR_CACHE_SIZE"), c.duration("ANALYZER_CRAWL_WAIT"),
                c.integer("PDF_MAX_PAGES"), c.longValue("PDF_MAX_PAGE_PIXELS"), c.integer("PDF_DPI"), c.duration("PDF_TIMEOUT"));
    }
}
