package dev.crawlocr.devkit;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * Generates PDFs whose text is known, so tests can check what the analyzer reads: text pages (a text layer in
 * Helvetica), scanned pages (lines rendered by {@link TextImages} at {@value #SCAN_DPI} dpi and placed as an image,
 * with no text layer), mixes of both, and hostile documents (encrypted, corrupt, thousands of pages, a huge page).
 * Every page is US Letter unless said otherwise.
 */
public final class PdfSamples {
    /** The resolution scanned pages are rendered at. */
    public static final int SCAN_DPI = 300;
    /** The font size of text and scanned pages, in points. */
    public static final int FONT_POINTS = 12;

    /** One page: its lines, and whether it is scanned (an image) or has a text layer. */
    public record Page(List<String> lines, boolean scanned) {
        public static Page text(String... lines) {
            return new Page(List.of(lines), false);
        }

        public static Page scanned(String... lines) {
            return new Page(List.of(lines), true);
        }

        /** The page's text as OCR should read it: its lines joined by newlines. */
        public String expected() {
            return String.join("\n", lines);
        }
    }

    /** A PDF of these pages, in order. */
    public static byte[] pdf(List<Page> pages) {
        try (PDDocument doc = new PDDocument()) {
            for (Page p : pages) {
                PDPage page = new PDPage(PDRectangle.LETTER);
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    if (p.scanned()) {
                        scan(doc, page, cs, p.lines());
                    } else {
                        write(page, cs, p.lines());
                    }
                }
            }
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PDF of text pages that opens only with {@code userPassword}. */
    public static byte[] encrypted(List<Page> pages, String userPassword) {
        try (PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf(pages))) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-" + userPassword, userPassword, new AccessPermission());
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes that start like a PDF and are nothing of the kind. */
    public static byte[] corrupt() {
        return "%PDF-1.7\n%\u00e2\u00e3\nthis is not a PDF body: no objects, no xref, no trailer\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A small file of {@code pages} blank pages: a page-count bomb. */
    public static byte[] manyPages(int pages) {
        try (PDDocument doc = new PDDocument()) {
            for (int i = 0; i < pages; i++) {
                doc.addPage(new PDPage(PDRectangle.LETTER));
            }
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One blank page of {@code points} x {@code points} (14,400, the most PDF allows, is 200 inches): rendered at
     * 300 dpi it would be 60,000 x 60,000 pixels.
     */
    public static byte[] hugePage(float points) {
        try (PDDocument doc = new PDDocument()) {
            doc.addPage(new PDPage(new PDRectangle(points, points)));
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(PDPage page, PDPageContentStream cs, List<String> lines) throws IOException {
        float leading = FONT_POINTS * 1.5f;
        cs.beginText();
        cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), FONT_POINTS);
        cs.setLeading(leading);
        cs.newLineAtOffset(72, page.getMediaBox().getHeight() - 72 - FONT_POINTS);
        for (String line : lines) {
            cs.showText(line);
            cs.newLine();
        }
        cs.endText();
    }

    /** The lines rendered at {@value #SCAN_DPI} dpi in DejaVu Sans, placed one inch from the top left corner. */
    private static void scan(PDDocument doc, PDPage page, PDPageContentStream cs, List<String> lines) throws IOException {
        int px = FONT_POINTS * SCAN_DPI / 72;
        BufferedImage image = TextImages.render(lines, "DejaVu Sans", px, false);
        PDImageXObject x = LosslessFactory.createFromImage(doc, image);
        float width = image.getWidth() * 72f / SCAN_DPI;
        float height = image.getHeight() * 72f / SCAN_DPI;
        cs.drawImage(x, 72 - FONT_POINTS, page.getMediaBox().getHeight() - 72 - height, width, height);
    }

    private static byte[] save(PDDocument doc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
    }

    private PdfSamples() {
    }
}
