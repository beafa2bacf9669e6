package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.common.message.OcrResult;
import java.util.List;

/**
 * What the analyzer read from one image, before it is addressed to a crawl.
 *
 * @param words  words at or above the minimum confidence, boxes in the original image's pixels
 * @param format decoder format name ("png", "jpeg", ...)
 * @param width  original width in pixels
 * @param height original height in pixels
 */
public record Analysis(String text, float meanConfidence, List<OcrResult.Word> words, String languages, String format,
                       int width, int height, long decodeMs, long preprocessMs, long ocrMs) {
}
