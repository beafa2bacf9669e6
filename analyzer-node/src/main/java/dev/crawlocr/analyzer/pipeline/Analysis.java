package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.common.message.OcrResult;
import java.util.List;

/**
 * What the analyzer read from one image or PDF, before it is addressed to a crawl.
 *
 * @param words  words at or above the minimum confidence, boxes in the original image's pixels
 * @param format decoder format name ("png", "jpeg", ...)
 * @param width  original width in pixels
 * @param height original height in pixels
 * @param pages  a PDF's pages (then text and words are empty); empty for an image
 */
public record Analysis(String text, float meanConfidence, List<OcrResult.Word> words, String languages, String format,
                       int width, int height, long decodeMs, long preprocessMs, long ocrMs, List<OcrResult.Page> pages) {
    public Analysis {
        pages = List.copyOf(pages);
    }

    /** The analysis of an image: no pages. */
    public Analysis(String text, float meanConfidence, List<OcrResult.Word> words, String languages, String format,
                    int width, int height, long decodeMs, long preprocessMs, long ocrMs) {
        this(text, meanConfidence, words, languages, format, width, height, decodeMs, preprocessMs, ocrMs, List.of());
    }
}
