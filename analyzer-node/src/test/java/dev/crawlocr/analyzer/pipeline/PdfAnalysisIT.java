package dev.crawlocr.analyzer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.devkit.PdfSamples;
import dev.crawlocr.devkit.PdfSamples.Page;
import dev.crawlocr.localcluster.Cer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PDFs through the analyzer's pipeline on real libtesseract: text layers, scanned pages, mixes, and refusals. */
class PdfAnalysisIT {
    static final Page TEXT_1 = Page.text("Quarterly report of the harbour authority", "Cargo volumes rose by nine percent");
    static final Page TEXT_2 = Page.text("Second page with a plain text layer");
    static final Page SCAN_1 = Page.scanned("The lighthouse keeper counted seven ships", "before the storm reached the northern pier");
    static final Page SCAN_2 = Page.scanned("Fresh bread and salted fish were sold", "at the market square every Thursday morning");

    @TempDir
    static Path state;
    static TestPipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "1", "PDF_MAX_PAGES", "50"));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void textPagesAreReadFromTheTextLayerWithWordBoxesInPoints() throws Exception {
        OcrResult r = read(pipeline, PdfSamples.pdf(List.of(TEXT_1, TEXT_2)));
        assertThat(r.status()).isEqualTo(OcrResult.Status.OK);
        assertThat(r.format()).isEqualTo("pdf");
        assertThat(r.text()).isEmpty();
        assertThat(r.pages()).extracting(OcrResult.Page::number).containsExactly(1, 2);
        assertThat(r.pages()).extracting(OcrResult.Page::source).containsOnly(OcrResult.TEXT_LAYER);
        assertThat(r.pages().get(0).text()).isEqualTo(TEXT_1.expected());
        assertThat(r.pages().get(1).text()).isEqualTo(TEXT_2.expected());
        OcrResult.Page first = r.pages().get(0);
        assertThat(first.dpi()).isEqualTo(72);
        assertThat(first.words()).extracting(OcrResult.Word::text).startsWith("Quarterly", "report", "of", "the", "harbour");
        OcrResult.Word quarterly = first.words().get(0);
        assertThat(quarterly.x()).isBetween(71, 73); // the text starts one inch (72 pt) in
        assertThat(quarterly.y()).isBetween(72, 90);
        assertThat(quarterly.height()).isBetween(6, 16);
        assertThat(quarterly.x() + quarterly.width()).isLessThan(first.words().get(1).x());
    }

    @Test
    void scannedPagesAreRenderedAndReadWithinOnePercentCer() throws Exception {
        OcrResult r = read(pipeline, PdfSamples.pdf(List.of(SCAN_1, SCAN_2)));
        assertThat(r.status()).isEqualTo(OcrResult.Status.OK);
        assertThat(r.pages()).extracting(OcrResult.Page::source).containsExactly(OcrResult.OCR, OcrResult.OCR);
        assertThat(Cer.of(SCAN_1.expected(), r.pages().get(0).text())).as("page 1 read as '%s'", r.pages().get(0).text())
                .isLessThanOrEqualTo(0.01);
        assertThat(Cer.of(SCAN_2.expected(), r.pages().get(1).text())).as("page 2 read as '%s'", r.pages().get(1).text())
                .isLessThanOrEqualTo(0.01);
        OcrResult.Page page = r.pages().get(0);
        assertThat(page.dpi()).isEqualTo(300);
        assertThat(page.confidence()).isGreaterThan(80);
        assertThat(page.words()).extracting(OcrResult.Word::text).contains("lighthouse", "keeper");
        assertThat(page.words().get(0).x()).as("boxes in pixels at 300 dpi, text about one inch in").isBetween(200, 320);
    }

    @Test
    void aMixedDocumentReadsEachPageTheWayItNeeds() throws Exception {
        OcrResult r = read(pipeline, PdfSamples.pdf(List.of(TEXT_1, SCAN_1, TEXT_2)));
        assertThat(r.pages()).extracting(OcrResult.Page::source).containsExactly(OcrResult.TEXT_LAYER, OcrResult.OCR, OcrResult.TEXT_LAYER);
        assertThat(r.pages().get(0).text()).isEqualTo(TEXT_1.expected());
        assertThat(Cer.of(SCAN_1.expected(), r.pages().get(1).text())).isLessThanOrEqualTo(0.01);
        assertThat(r.pages().get(2).text()).isEqualTo(TEXT_2.expected());
    }

    @Test
    void refusedDocumentsFailWithTheirReason() throws Exception {
        assertFailed(pipeline, PdfSamples.encrypted(List.of(TEXT_1), "secret"), "pdf_encrypted");
        assertFailed(pipeline, PdfSamples.corrupt(), "pdf_corrupt");
        assertFailed(pipeline, "%PDF-1.4 not really".getBytes(), "pdf_corrupt");
        assertFailed(pipeline, PdfSamples.manyPages(51), "pdf_too_many_pages");
        assertFailed(pipeline, PdfSamples.hugePage(14_400), "pdf_page_too_large");
        OcrResult many = assertFailed(pipeline, PdfSamples.manyPages(51), "pdf_too_many_pages");
        assertThat(many.reason()).contains("51 pages", "PDF_MAX_PAGES (50)");
    }

    @Test
    void aDocumentPastItsTimeoutFails(@TempDir Path dir) throws Exception {
        try (TestPipeline quick = new TestPipeline(dir, Map.of("ANALYZER_WORKERS", "1", "PDF_TIMEOUT", "1ms"))) {
            assertFailed(quick, PdfSamples.pdf(List.of(SCAN_1, SCAN_2)), "pdf_timeout");
        }
    }

    @Test
    void bombsAreRefusedInASmallHeap(@TempDir Path dir) throws Exception {
        Path many = Files.write(dir.resolve("many.pdf"), PdfSamples.manyPages(20_000));
        Path huge = Files.write(dir.resolve("huge.pdf"), PdfSamples.hugePage(14_400));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                PdfBombCheck.class.getName(), many.toString(), huge.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("many.pdf: pdf_too_many_pages", "huge.pdf: pdf_page_too_large", "max heap 64 MB");
    }

    static OcrResult assertFailed(TestPipeline p, byte[] pdf, String reason) throws Exception {
        OcrResult r = submit(p, pdf).result();
        assertThat(r.status()).as(r.reason()).isEqualTo(OcrResult.Status.FAILED);
        assertThat(r.reason()).startsWith(reason + ": ");
        assertThat(r.format()).isEqualTo("pdf");
        assertThat(r.pages()).isEmpty();
        return r;
    }

    private static OcrResult read(TestPipeline p, byte[] pdf) throws Exception {
        Outcome o = submit(p, pdf);
        assertThat(o.reason()).as("failure reason: %s", o.result().reason()).isNull();
        return o.result();
    }

    private static Outcome submit(TestPipeline p, byte[] pdf) throws Exception {
        ImageMeta meta = new ImageMeta(ImageMeta.SCHEMA, "pdf", "http://127.0.0.1/doc.pdf", Hashes.sha256Hex(pdf), "application/pdf");
        return p.ocr.submit(p.workers, meta, pdf).get(120, TimeUnit.SECONDS);
    }
}
