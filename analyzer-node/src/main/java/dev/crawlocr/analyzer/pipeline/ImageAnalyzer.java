package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.analyzer.image.DecodedImage;
import dev.crawlocr.analyzer.image.ImageDecoder;
import dev.crawlocr.analyzer.image.PreparedImage;
import dev.crawlocr.analyzer.image.Preprocessor;
import dev.crawlocr.analyzer.ocr.OcrTimeoutException;
import dev.crawlocr.analyzer.ocr.Recognition;
import dev.crawlocr.analyzer.ocr.ResolvedSettings;
import dev.crawlocr.analyzer.ocr.TessEngine;
import dev.crawlocr.common.message.OcrResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decodes, preprocesses and recognises one image on the calling worker's engine, timing each step. Stateless and
 * thread-safe; the engine passed in is not.
 */
public final class ImageAnalyzer {
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final int dpi;

    public ImageAnalyzer(ImageDecoder decoder, Preprocessor preprocessor, int dpi) {
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.dpi = dpi;
    }

    /**
     * @throws dev.crawlocr.analyzer.image.ImageRejectedException for bytes that are not a readable image within the limits
     * @throws OcrTimeoutException when the deadline passes
     */
    public Analysis analyze(byte[] bytes, ResolvedSettings settings, OcrWorkers.WorkerContext context) {
        long t0 = System.nanoTime();
        DecodedImage decoded = decoder.decode(bytes);
        long t1 = System.nanoTime();
        PreparedImage prepared = preprocessor.prepare(decoded.image(), settings.denseScript());
        long t2 = System.nanoTime();
        if (t2 >= context.deadlineNanos()) {
            throw new OcrTimeoutException("Decoding and preprocessing exceeded the timeout");
        }
        TessEngine engine = context.engines().get(settings.engine());
        Recognition r = engine.recognize(prepared.gray(), prepared.width(), prepared.height(), settings.pageSegMode(), dpi,
                context.remainingMs());
        long t3 = System.nanoTime();
        return new Analysis(clean(r.text()), r.meanConfidence(), words(r, prepared, settings.minWordConfidence()),
                settings.languages(), decoded.format(), decoded.width(), decoded.height(), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2));
    }

    private static List<OcrResult.Word> words(Recognition r, PreparedImage p, int minConfidence) {
        List<OcrResult.Word> words = new ArrayList<>(r.words().size());
        for (Recognition.RecognizedWord w : r.words()) {
            if (w.confidence() >= minConfidence) {
                int x = p.toOriginalX(w.left());
                int y = p.toOriginalY(w.top());
                words.add(new OcrResult.Word(w.text(), w.confidence(), x, y,
                        Math.max(0, p.toOriginalX(w.right()) - x), Math.max(0, p.toOriginalY(w.bottom()) - y)));
            }
        }
        return words;
    }

    /** Tesseract ends pages with blank lines and a form feed; keep the lines, drop the padding. */
    static String clean(String text) {
        return text.replace("\f", "").replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").strip();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
