package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.analyzer.image.DecodedImage;
import dev.crawlocr.analyzer.ocr.OcrTimeoutException;
import dev.crawlocr.analyzer.ocr.ResolvedSettings;
import dev.crawlocr.analyzer.pdf.PdfRejectedException;
import dev.crawlocr.analyzer.pdf.TextLayer;
import dev.crawlocr.common.message.OcrResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Reads a PDF page by page with Apache PDFBox. A page with a usable text layer ({@link TextLayer}) gives its text
 * and word boxes (in points, {@code dpi} 72); any other page is rendered in gray and read by {@link ImageAnalyzer}
 * like an image, at {@link Limits#dpi()} or, for a page too large for that, at the highest resolution within
 * {@link Limits#maxPagePixels()}, with word boxes in the rendered pixels.
 *
 * <p>Limits hold before work is done: the page count is checked before any page is read, and a page's size before it
 * is rendered, so a document of thousands of pages or a page of kilometres is refused without allocating for it.
 * PDFBox keeps its scratch data in temporary files, not the heap. A document that needs a password is refused;
 * one that opens with the empty password (restrictions only) is read.
 *
 * <p>To fit one {@code crawl.ocr} record, a document keeps at most {@value #MAX_TEXT_CHARS} characters of text
 * and {@value #MAX_WORDS} word boxes: later pages lose their word boxes first, then their text is cut. Stateless and
 * thread-safe; the worker context's engines are not.
 */
public final class PdfAnalyzer {
    /** Below this resolution OCR misreads body text, so a page that fits the pixel budget only below it is refused. */
    static final int MIN_DPI = 100;
    static final int MAX_TEXT_CHARS = 300_000;
    static final int MAX_WORDS = 8_000;
    /** Word boxes of a text layer are in points. */
    static final int POINTS_DPI = 72;

    /**
     * @param maxPages      most pages a document may have (PDF_MAX_PAGES)
     * @param maxPagePixels most pixels of one rendered page (PDF_MAX_PAGE_PIXELS)
     * @param dpi           resolution pages are rendered at for OCR (PDF_DPI)
     * @param timeout       the time one document may take (PDF_TIMEOUT), enforced by the worker's deadline
     */
    public record Limits(int maxPages, long maxPagePixels, int dpi, Duration timeout) {
    }

    private final ImageAnalyzer images;
    private final Limits limits;

    public PdfAnalyzer(ImageAnalyzer images, Limits limits) {
        this.images = images;
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * @throws PdfRejectedException for a document that is encrypted, corrupt or past a limit, or out of time
     * @throws OcrTimeoutException  when the deadline passes inside Tesseract
     */
    public Analysis analyze(byte[] bytes, ResolvedSettings settings, OcrWorkers.WorkerContext context) {
        long started = System.nanoTime();
        try (PDDocument doc = open(bytes)) {
            int count = read(doc::getNumberOfPages, "the page tree");
            if (count > limits.maxPages()) {
                throw new PdfRejectedException(PdfRejectedException.TOO_MANY_PAGES,
                        "The PDF has " + count + " pages, more than PDF_MAX_PAGES (" + limits.maxPages() + ")");
            }
            if (count == 0) {
                throw new PdfRejectedException(PdfRejectedException.CORRUPT, "The PDF has no pages");
            }
            TextLayer layer = new TextLayer(doc);
            PDFRenderer renderer = new PDFRenderer(doc);
            renderer.setSubsamplingAllowed(true);
            List<OcrResult.Page> pages = new ArrayList<>(count);
            Budget budget = new Budget();
            long renderNanos = 0;
            long preprocessMs = 0;
            long ocrMs = 0;
            double confidence = 0;
            for (int index = 0; index < count; index++) {
                int i = index;
                checkTime(context, i);
                TextLayer.Page text = read(() -> layer.page(i + 1), "page " + (i + 1));
                OcrResult.Page page;
                if (text.usable()) {
                    page = budget.fit(new OcrResult.Page(i + 1, text.text(), OcrResult.TEXT_LAYER, 100f, text.words(), POINTS_DPI));
                } else {
                    int dpi = renderDpi(read(() -> doc.getPage(i), "page " + (i + 1)), i);
                    long t1 = System.nanoTime();
                    BufferedImage image = read(() -> renderer.renderImageWithDPI(i, dpi, ImageType.GRAY), "page " + (i + 1));
                    renderNanos += System.nanoTime() - t1;
                    checkTime(context, i);
                    Analysis a = images.analyze(new DecodedImage(image, "pdf"), settings, context, dpi);
                    preprocessMs += a.preprocessMs();
                    ocrMs += a.ocrMs();
                    page = budget.fit(new OcrResult.Page(i + 1, a.text(), OcrResult.OCR, a.meanConfidence(), a.words(), dpi));
                }
                confidence += page.confidence();
                pages.add(page);
            }
            // decodeMs: loading and text layers; preprocessMs: rendering and preparing pages for OCR; ocrMs: Tesseract
            long renderMs = ms(renderNanos) + preprocessMs;
            long decodeMs = Math.max(0, ms(System.nanoTime() - started) - renderMs - ocrMs);
            return new Analysis("", (float) (confidence / count), List.of(), settings.engine().languages(), "pdf", 0, 0,
                    decodeMs, renderMs, ocrMs, pages);
        } catch (IOException e) {
            throw new PdfRejectedException(PdfRejectedException.CORRUPT, "Cannot read the PDF: " + e.getMessage(), e);
        }
    }

    private static PDDocument open(byte[] bytes) {
        try {
            return Loader.loadPDF(bytes, "", null, null, IOUtils.createTempFileOnlyStreamCache());
        } catch (InvalidPasswordException e) {
            throw new PdfRejectedException(PdfRejectedException.ENCRYPTED, "The PDF is encrypted and needs a password to open", e);
        } catch (IOException | RuntimeException e) {
            throw new PdfRejectedException(PdfRejectedException.CORRUPT, "Not a readable PDF: " + e.getMessage(), e);
        }
    }

    /**
     * The resolution page {@code index} is rendered at: {@link Limits#dpi()}, lowered so the page has at most
     * {@link Limits#maxPagePixels()} pixels, and never below {@value #MIN_DPI}.
     */
    int renderDpi(PDPage page, int index) {
        PDRectangle box = page.getCropBox();
        double widthIn = Math.abs(box.getWidth()) / 72.0;
        double heightIn = Math.abs(box.getHeight()) / 72.0;
        if (!(widthIn > 0 && heightIn > 0) || Double.isInfinite(widthIn * heightIn)) {
            throw new PdfRejectedException(PdfRejectedException.CORRUPT, "Page " + (index + 1) + " has no usable size: " + box);
        }
        double dpi = Math.min(limits.dpi(), Math.floor(Math.sqrt(limits.maxPagePixels() / (widthIn * heightIn))));
        if (dpi < MIN_DPI) {
            throw new PdfRejectedException(PdfRejectedException.PAGE_TOO_LARGE, String.format(
                    "Page %d is %.0f x %.0f points: even at %d dpi it has more than PDF_MAX_PAGE_PIXELS (%d) pixels",
                    index + 1, Math.abs(box.getWidth()), Math.abs(box.getHeight()), MIN_DPI, limits.maxPagePixels()));
        }
        return (int) dpi;
    }

    private static void checkTime(OcrWorkers.WorkerContext context, int index) {
        if (System.nanoTime() >= context.deadlineNanos()) {
            throw new PdfRejectedException(PdfRejectedException.TIMEOUT, "The PDF took longer than PDF_TIMEOUT; stopped before page " + (index + 1));
        }
    }

    /** A PDFBox step reading {@code what} ("page 3"); a document it cannot read is corrupt. */
    private static <T> T read(PdfStep<T> step, String what) {
        try {
            return step.run();
        } catch (IOException | RuntimeException e) {
            if (e instanceof PdfRejectedException || e instanceof OcrTimeoutException) {
                throw (RuntimeException) e;
            }
            throw new PdfRejectedException(PdfRejectedException.CORRUPT, "Cannot read " + what + ": " + e, e);
        }
    }

    private interface PdfStep<T> {
        T run() throws IOException;
    }

    /** What is left of the document's text and word allowance. */
    private static final class Budget {
        int chars = MAX_TEXT_CHARS;
        int words = MAX_WORDS;

        OcrResult.Page fit(OcrResult.Page p) {
            String text = p.text().length() > chars ? p.text().substring(0, chars) : p.text();
            chars -= text.length();
            List<OcrResult.Word> kept = p.words().size() > words ? List.of() : p.words();
            words -= kept.size();
            return new OcrResult.Page(p.number(), text, p.source(), p.confidence(), kept, p.dpi());
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
