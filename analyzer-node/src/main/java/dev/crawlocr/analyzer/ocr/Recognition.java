package dev.crawlocr.analyzer.ocr;

import java.util.List;

/**
 * What one engine read from one prepared image.
 *
 * @param text           full UTF-8 text, lines separated by '\n'
 * @param meanConfidence Tesseract's mean text confidence, 0-100 (0 when nothing was read)
 * @param words          every recognised word with its confidence and box, in the prepared image's pixels
 */
public record Recognition(String text, int meanConfidence, List<RecognizedWord> words) {

    /** One word; the box is left/top/right/bottom in the pixels of the image the engine saw. */
    public record RecognizedWord(String text, float confidence, int left, int top, int right, int bottom) {
    }

    public Recognition {
        text = text == null ? "" : text;
        words = List.copyOf(words);
    }
}
