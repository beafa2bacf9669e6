package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.analyzer.image.DecodedImage;
import dev.crawlocr.analyzer.image.ImageDecoder;
import dev.crawlocr.analyzer.image.PreparedImage;
import dev.crawlocr.analyzer.image.Preprocessor;
import dev.crawlocr.analyzer.ocr.EngineKey;
import dev.crawlocr.analyzer.ocr.OcrTimeoutException;
import dev.crawlocr.analyzer.ocr.Recognition;
import dev.crawlocr.analyzer.ocr.ResolvedSettings;
import dev.crawlocr.analyzer.ocr.TessEngine;
import dev.crawlocr.common.message.OcrResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decodes, preprocesses and recognises one image on the calling worker's engines, timing each step. With automatic
 * languages the image is read with the first language and, when that read is not confident, again with the
 * fallback languages; the more confident read is kept, with the languages that made it. Stateless and thread-safe;
 * the engines of the worker context are not.
 */
public final class ImageAnalyzer {
    /** Mean confidence (0-100) from which a read is kept without reading again. */
    static final int CONFIDENT = 80;
    /** Word confidence below which a read is read again. */
    static final int WORD_FLOOR = 50;
    /** Size, relative to the first, at which a read that is not confident is read again. */
    static final double RETRY_SCALE = 0.8;
    /** Word confidence below which a multi-language read asks each language alone for a second opinion. */
    static final int SURE = 85;
    static final int MAX_SECOND_OPINIONS = 12;

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
        return analyze(decoded, settings, context, dpi, ms(System.nanoTime() - t0));
    }

    /**
     * Reads an image decoded elsewhere (a rendered PDF page) whose resolution is known.
     *
     * @param imageDpi the resolution Tesseract is told the image has; 0 lets it estimate one
     * @throws OcrTimeoutException when the deadline passes
     */
    public Analysis analyze(DecodedImage decoded, ResolvedSettings settings, OcrWorkers.WorkerContext context, int imageDpi) {
        return analyze(decoded, settings, context, imageDpi, 0);
    }

    private Analysis analyze(DecodedImage decoded, ResolvedSettings settings, OcrWorkers.WorkerContext context, int dpi, long decodeMs) {
        long t1 = System.nanoTime();
        Preparations prepared = new Preparations(decoded);
        Read read = read(settings.engine(), prepared.forScript(settings.engine()), settings.pageSegMode(), context, dpi);
        if (settings.fallback() != null && !confident(read.recognition())) {
            read = better(read, read(settings.fallback(), prepared.forScript(settings.fallback()), settings.pageSegMode(), context, dpi));
        }
        if (!confident(read.recognition())) {
            read = better(read, read(read.engine(), prepared.resampled(read.prepared()), settings.pageSegMode(), context, dpi));
        }
        Recognition r = secondOpinions(read.recognition(), read.engine(), read.prepared(), context, dpi);
        long t2 = System.nanoTime();
        return new Analysis(clean(r.text()), r.meanConfidence(), words(r, read.prepared(), settings.minWordConfidence()),
                read.engine().languages(), decoded.format(), decoded.width(), decoded.height(), decodeMs, prepared.ms,
                ms(t2 - t1) - prepared.ms);
    }

    /** One read of the image by one engine, and the prepared image its word boxes refer to. */
    private record Read(EngineKey engine, PreparedImage prepared, Recognition recognition) {
    }

    /** The image prepared for Latin or dense scripts, each made once, and the time spent preparing. */
    private final class Preparations {
        private final DecodedImage decoded;
        private final PreparedImage[] byScript = new PreparedImage[2];
        private long ms;

        Preparations(DecodedImage decoded) {
            this.decoded = decoded;
        }

        PreparedImage forScript(EngineKey engine) {
            int i = engine.denseScript() ? 1 : 0;
            if (byScript[i] == null) {
                long start = System.nanoTime();
                byScript[i] = preprocessor.prepare(decoded, engine.denseScript());
                ms += ms(System.nanoTime() - start);
            }
            return byScript[i];
        }

        PreparedImage resampled(PreparedImage p) {
            long start = System.nanoTime();
            PreparedImage r = preprocessor.resample(p, RETRY_SCALE);
            ms += ms(System.nanoTime() - start);
            return r;
        }
    }

    private Read read(EngineKey engine, PreparedImage prepared, int psm, OcrWorkers.WorkerContext context, int dpi) {
        if (System.nanoTime() >= context.deadlineNanos()) {
            throw new OcrTimeoutException("Decoding and preprocessing exceeded the timeout");
        }
        TessEngine tess = context.engines().get(engine);
        return new Read(engine, prepared, tess.recognize(prepared.gray(), prepared.width(), prepared.height(), psm, dpi, context.remainingMs()));
    }

    /**
     * With several languages, Tesseract reads a whole line with the first one and keeps a confident-looking wrong
     * reading of a word in another script (English words in Korean lines come back as digits). Words read with
     * less than {@value #SURE} confidence are read again, alone, by each of the languages, and the most confident
     * reading of at least {@value #SURE} replaces them; at most {@value #MAX_SECOND_OPINIONS} words per image.
     */
    private Recognition secondOpinions(Recognition r, EngineKey engine, PreparedImage prepared, OcrWorkers.WorkerContext context, int dpi) {
        String[] languages = engine.languages().split("\\+");
        if (languages.length < 2) {
            return r;
        }
        List<Recognition.RecognizedWord> words = new ArrayList<>(r.words());
        boolean changed = false;
        int asked = 0;
        for (int i = 0; i < words.size() && asked < MAX_SECOND_OPINIONS; i++) {
            Recognition.RecognizedWord word = words.get(i);
            if (word.confidence() >= SURE) {
                continue;
            }
            asked++;
            int pad = Math.max(2, (word.bottom() - word.top()) / 4);
            int[] box = {Math.max(0, word.left() - pad), Math.max(0, word.top() - pad), Math.min(prepared.width(), word.right() + pad),
                Math.min(prepared.height(), word.bottom() + pad)};
            for (String language : languages) {
                Recognition alone = context.engines().get(new EngineKey(language, engine.oem()))
                        .recognizeWord(prepared.gray(), prepared.width(), prepared.height(), box, dpi, context.remainingMs());
                if (alone.words().size() == 1 && alone.words().get(0).confidence() >= SURE
                        && alone.words().get(0).confidence() > words.get(i).confidence()) {
                    words.set(i, word.withReading(alone.words().get(0).text(), alone.words().get(0).confidence()));
                    changed = true;
                }
            }
        }
        return changed ? r.withWords(words) : r;
    }

    /**
     * A read is confident when its mean confidence is at least {@value #CONFIDENT} and no word is below
     * {@value #WORD_FLOOR}: text in a script the engine does not know reads as a few low-confidence guesses.
     */
    static boolean confident(Recognition r) {
        return r.meanConfidence() >= CONFIDENT && r.words().stream().allMatch(w -> w.confidence() >= WORD_FLOOR);
    }

    private static Read better(Read first, Read second) {
        return second.recognition().meanConfidence() >= first.recognition().meanConfidence() ? second : first;
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
