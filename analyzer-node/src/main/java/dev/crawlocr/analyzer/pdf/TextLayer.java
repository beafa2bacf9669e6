package dev.crawlocr.analyzer.pdf;

import dev.crawlocr.common.message.OcrResult;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * The text layer of one PDF page: its text in reading order and its words with boxes in PDF points (1/72 inch, top
 * left origin), and whether the text is usable or garbage that OCR would read better. Not thread-safe; one per
 * document.
 */
public final class TextLayer {
    /** Fewer letters or digits than this and a page counts as having no text layer. */
    static final int MIN_CHARS = 3;
    /** Share of odd characters (replacement, control, private use, unassigned) above which the text is garbage. */
    static final double MAX_ODD_SHARE = 0.1;

    /** One page's text layer. */
    public record Page(String text, List<OcrResult.Word> words) {
        /** True when the text is worth keeping: enough letters and digits, and few odd characters. */
        public boolean usable() {
            int good = 0;
            int odd = 0;
            int total = 0;
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                if (Character.isWhitespace(cp)) {
                    continue;
                }
                total++;
                if (Character.isLetterOrDigit(cp)) {
                    good++;
                }
                if (isOdd(cp)) {
                    odd++;
                }
            }
            return good >= MIN_CHARS && odd <= MAX_ODD_SHARE * total;
        }

        private static boolean isOdd(int cp) {
            int type = Character.getType(cp);
            return cp == 0xFFFD || type == Character.CONTROL || type == Character.PRIVATE_USE || type == Character.UNASSIGNED
                    || type == Character.SURROGATE;
        }
    }

    private final Stripper stripper;
    private final PDDocument document;

    public TextLayer(PDDocument document) throws IOException {
        this.document = document;
        this.stripper = new Stripper();
        stripper.setSortByPosition(true);
    }

    /** @param number 1 for the first page */
    public Page page(int number) throws IOException {
        stripper.setStartPage(number);
        stripper.setEndPage(number);
        stripper.words.clear();
        StringWriter out = new StringWriter();
        stripper.writeText(document, out);
        return new Page(out.toString().replace("\r\n", "\n").strip(), List.copyOf(stripper.words));
    }

    /**
     * Collects the words of each line PDFTextStripper writes, with the box around their glyphs. A word ends at a
     * blank glyph or at a gap wider than half a space.
     */
    private static final class Stripper extends PDFTextStripper {
        final List<OcrResult.Word> words = new ArrayList<>();

        @Override
        protected void writeString(String text, List<TextPosition> positions) throws IOException {
            super.writeString(text, positions);
            List<TextPosition> word = new ArrayList<>();
            TextPosition previous = null;
            for (TextPosition p : positions) {
                boolean blank = p.getUnicode() == null || p.getUnicode().isBlank();
                boolean gap = previous != null
                        && p.getXDirAdj() - (previous.getXDirAdj() + previous.getWidthDirAdj()) > 0.5f * Math.max(1f, p.getWidthOfSpace());
                if (blank || gap) {
                    add(word);
                }
                if (!blank) {
                    word.add(p);
                }
                previous = p;
            }
            add(word);
        }

        private void add(List<TextPosition> glyphs) {
            if (glyphs.isEmpty()) {
                return;
            }
            StringBuilder text = new StringBuilder();
            float left = Float.MAX_VALUE;
            float top = Float.MAX_VALUE;
            float right = -Float.MAX_VALUE;
            float bottom = -Float.MAX_VALUE;
            for (TextPosition p : glyphs) {
                text.append(p.getUnicode());
                left = Math.min(left, p.getXDirAdj());
                right = Math.max(right, p.getXDirAdj() + p.getWidthDirAdj());
                top = Math.min(top, p.getYDirAdj() - p.getHeightDir());
                bottom = Math.max(bottom, p.getYDirAdj());
            }
            glyphs.clear();
            int x = Math.round(left);
            int y = Math.round(top);
            words.add(new OcrResult.Word(text.toString(), 100f, x, y, Math.max(0, Math.round(right) - x), Math.max(0, Math.round(bottom) - y)));
        }
    }
}
