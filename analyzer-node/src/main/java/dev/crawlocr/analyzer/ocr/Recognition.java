package dev.crawlocr.analyzer.ocr;

import java.util.List;

/**
 * What one engine read from one prepared image.
 *
 * @param text           full UTF-8 text, lines separated by '\n'
 * @param meanConfidence Tesseract's mean text confidence, 0-100 (0 when nothing was read)
 * @param words          every recognised word with its confidence and box, in the prepared image's pixels, in
 *                       reading order
 */
public record Recognition(String text, int meanConfidence, List<RecognizedWord> words) {

    /**
     * One word; the box is left/top/right/bottom in the pixels of the image the engine saw.
     *
     * @param line the text line it is on, counted from 0 in reading order
     */
    public record RecognizedWord(String text, float confidence, int left, int top, int right, int bottom, int line) {
        public RecognizedWord withReading(String newText, float newConfidence) {
            return new RecognizedWord(newText, newConfidence, left, top, right, bottom, line);
        }
    }

    public Recognition {
        text = text == null ? "" : text;
        words = List.copyOf(words);
    }

    /**
     * The same recognition with some words read differently: the text is rebuilt from the words, one line per text
     * line, and the mean confidence is the words' mean weighted by their length.
     */
    public Recognition withWords(List<RecognizedWord> replaced) {
        StringBuilder text = new StringBuilder();
        double weighted = 0;
        long chars = 0;
        int line = replaced.isEmpty() ? 0 : replaced.get(0).line();
        for (RecognizedWord w : replaced) {
            if (!text.isEmpty()) {
                text.append(w.line() == line ? ' ' : '\n');
            }
            line = w.line();
            text.append(w.text());
            weighted += w.confidence() * w.text().length();
            chars += w.text().length();
        }
        return new Recognition(text.toString(), chars == 0 ? 0 : (int) Math.round(weighted / chars), replaced);
    }
}
