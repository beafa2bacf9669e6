package dev.crawlocr.analyzer.ocr;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.sourceforge.tess4j.ITessAPI.ETEXT_DESC;
import net.sourceforge.tess4j.ITessAPI.TessBaseAPI;
import net.sourceforge.tess4j.ITessAPI.TessPageIterator;
import net.sourceforge.tess4j.ITessAPI.TessPageIteratorLevel;
import net.sourceforge.tess4j.ITessAPI.TessResultIterator;
import net.sourceforge.tess4j.TessAPI;

/**
 * One Tesseract engine through tess4j's low-level C API ({@link TessAPI}, bound lazily, so functions Debian's
 * libtesseract 5.3 lacks are never touched). It loads its models once, at construction, and then recognises any
 * number of images; {@code Tesseract.doOCR} would reload them per call.
 *
 * <p>Not thread-safe: one engine belongs to one worker thread for its life. {@link #close()} frees the native
 * engine; using it afterwards throws.
 */
public final class TessEngine implements AutoCloseable {
    private static final TessAPI API = TessAPI.INSTANCE;
    private static final int PSM_SINGLE_WORD = 8;

    private final EngineKey key;
    private TessBaseAPI handle;
    private ByteBuffer pixels = ByteBuffer.allocateDirect(0);
    private int images;

    /**
     * @throws IllegalStateException naming the languages and directory when the models cannot be loaded
     */
    public TessEngine(Path tessdata, EngineKey key) {
        this.key = key;
        TessBaseAPI h = API.TessBaseAPICreate();
        int rc = API.TessBaseAPIInit2(h, tessdata.toString(), key.languages(), key.oem());
        if (rc != 0) {
            API.TessBaseAPIDelete(h);
            throw new IllegalStateException("Tesseract could not load languages '" + key.languages() + "' from " + tessdata);
        }
        API.TessBaseAPISetVariable(h, "debug_file", "/dev/null");
        // The preprocessor already turns light-on-dark text around; re-reading doubtful lines inverted only costs time.
        API.TessBaseAPISetVariable(h, "tessedit_do_invert", "0");
        this.handle = h;
    }

    /** The version of libtesseract the engine runs on, e.g. "5.3.0". */
    public static String version() {
        return API.TessVersion();
    }

    public EngineKey key() {
        return key;
    }

    /** Recognitions (images and single words) since construction. */
    public int images() {
        return images;
    }

    /**
     * Recognises one 8-bit gray image.
     *
     * @param gray       row-major pixels, {@code width * height} bytes, 0 black to 255 white
     * @param psm        page segmentation mode, 0-13
     * @param dpi        the resolution Tesseract assumes for the image; 0 lets it estimate one from the text size
     * @param deadlineMs the engine cancels itself after this many milliseconds
     * @throws OcrTimeoutException when the deadline cut recognition short
     */
    public Recognition recognize(byte[] gray, int width, int height, int psm, int dpi, int deadlineMs) {
        return run(gray, width, height, null, psm, dpi, deadlineMs);
    }

    /**
     * Recognises one word of an image: the region {@code box} (left, top, right, bottom) as a single word.
     *
     * @throws OcrTimeoutException when the deadline cut recognition short
     */
    public Recognition recognizeWord(byte[] gray, int width, int height, int[] box, int dpi, int deadlineMs) {
        return run(gray, width, height, box, PSM_SINGLE_WORD, dpi, deadlineMs);
    }

    private Recognition run(byte[] gray, int width, int height, int[] box, int psm, int dpi, int deadlineMs) {
        if (handle == null) {
            throw new IllegalStateException("The engine for " + key + " is closed");
        }
        if (gray.length != (long) width * height) {
            throw new IllegalArgumentException("The parameter 'gray' holds " + gray.length + " bytes, not " + width + "x" + height);
        }
        images++;
        if (pixels.capacity() < gray.length) {
            pixels = ByteBuffer.allocateDirect(gray.length);
        }
        pixels.clear();
        pixels.put(gray).flip();
        API.TessBaseAPISetPageSegMode(handle, psm);
        API.TessBaseAPISetImage(handle, pixels, width, height, 1, width);
        if (box != null) {
            API.TessBaseAPISetRectangle(handle, box[0], box[1], box[2] - box[0], box[3] - box[1]);
        }
        if (dpi > 0) {
            API.TessBaseAPISetSourceResolution(handle, dpi);
        }
        ETEXT_DESC monitor = API.TessMonitorCreate();
        long start = System.nanoTime();
        try {
            API.TessMonitorSetDeadlineMSecs(monitor, deadlineMs);
            int rc = API.TessBaseAPIRecognize(handle, monitor);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            if (tookMs >= deadlineMs) {
                throw new OcrTimeoutException("OCR exceeded the " + deadlineMs + " ms timeout");
            }
            if (rc != 0) {
                throw new IllegalStateException("Tesseract failed to recognise the image (code " + rc + ")");
            }
            String text = takeText(API.TessBaseAPIGetUTF8Text(handle));
            return new Recognition(text, Math.max(0, API.TessBaseAPIMeanTextConf(handle)), words());
        } finally {
            API.TessMonitorDelete(monitor);
            API.TessBaseAPIClear(handle);
        }
    }

    private List<Recognition.RecognizedWord> words() {
        List<Recognition.RecognizedWord> words = new ArrayList<>();
        TessResultIterator it = API.TessBaseAPIGetIterator(handle);
        if (it == null) {
            return words;
        }
        try {
            int level = TessPageIteratorLevel.RIL_WORD;
            TessPageIterator page = API.TessResultIteratorGetPageIterator(it);
            IntBuffer l = IntBuffer.allocate(1), t = IntBuffer.allocate(1), r = IntBuffer.allocate(1), b = IntBuffer.allocate(1);
            int line = -1;
            do {
                if (line < 0 || API.TessPageIteratorIsAtBeginningOf(page, TessPageIteratorLevel.RIL_TEXTLINE) == 1) {
                    line++;
                }
                String word = takeText(API.TessResultIteratorGetUTF8Text(it, level));
                if (word.isBlank()) {
                    continue;
                }
                float conf = API.TessResultIteratorConfidence(it, level);
                API.TessPageIteratorBoundingBox(page, level, l, t, r, b);
                words.add(new Recognition.RecognizedWord(word.strip(), conf, l.get(0), t.get(0), r.get(0), b.get(0), line));
            } while (API.TessPageIteratorNext(page, level) == 1);
        } finally {
            API.TessResultIteratorDelete(it);
        }
        return words;
    }

    private static String takeText(Pointer p) {
        if (p == null) {
            return "";
        }
        try {
            return p.getString(0, StandardCharsets.UTF_8.name());
        } finally {
            API.TessDeleteText(p);
        }
    }

    @Override
    public void close() {
        if (handle != null) {
            API.TessBaseAPIEnd(handle);
            API.TessBaseAPIDelete(handle);
            handle = null;
        }
    }
}
