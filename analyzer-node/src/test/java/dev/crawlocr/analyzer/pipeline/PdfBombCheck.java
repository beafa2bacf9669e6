package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.analyzer.image.ImageDecoder;
import dev.crawlocr.analyzer.image.ImageRejectedException;
import dev.crawlocr.analyzer.image.Preprocessor;
import dev.crawlocr.analyzer.ocr.EngineKey;
import dev.crawlocr.analyzer.ocr.ResolvedSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM with a small heap by {@link PdfAnalysisIT}: reads each PDF named on the command line with the
 * default limits and prints "file: reason" for each refusal, or "file: read" when one was not refused. No engine is
 * made, so a document that got as far as OCR fails loudly.
 */
public final class PdfBombCheck {
    public static void main(String[] args) throws Exception {
        System.out.println("max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
        PdfAnalyzer pdfs = new PdfAnalyzer(new ImageAnalyzer(new ImageDecoder(10 << 20, 40_000_000), new Preprocessor(16, 24, 4, 16_000_000), 0),
                new PdfAnalyzer.Limits(500, 12_000_000, 300, Duration.ofSeconds(120)));
        ResolvedSettings settings = new ResolvedSettings(new EngineKey("eng", 1), null, 6, 0);
        for (String file : args) {
            String name = Path.of(file).getFileName().toString();
            try {
                pdfs.analyze(Files.readAllBytes(Path.of(file)), settings,
                        new OcrWorkers.WorkerContext(null, System.nanoTime() + Duration.ofSeconds(60).toNanos()));
                System.out.println(name + ": read");
            } catch (ImageRejectedException e) {
                System.out.println(name + ": " + e.reason() + " (" + e.getMessage() + ")");
            }
        }
    }
}
