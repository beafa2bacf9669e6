package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.analyzer.AnalyzerConfig;
import dev.crawlocr.analyzer.image.ImageDecoder;
import dev.crawlocr.analyzer.image.Preprocessor;
import dev.crawlocr.analyzer.ocr.EngineSet;
import dev.crawlocr.analyzer.ocr.SettingsResolver;
import dev.crawlocr.analyzer.ocr.Tessdata;
import dev.crawlocr.common.message.OcrSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The analyzer's OCR pipeline wired as the node wires it, from environment-style settings, without Kafka. */
final class TestPipeline implements AutoCloseable {
    final AnalyzerConfig config;
    final Map<String, OcrSettings> crawls = new ConcurrentHashMap<>();
    final AttemptMarkers markers;
    final ResultCache cache;
    final MemoryGuard memory;
    final OcrWorkers workers;
    final ImageAnalyzer analyzer;
    final PdfAnalyzer pdfs;
    final ImageOcr ocr;

    TestPipeline(Path stateDir, Map<String, String> env) {
        this.config = AnalyzerConfig.from(AnalyzerConfig.DEF.parse(env));
        this.markers = new AttemptMarkers(stateDir);
        this.cache = new ResultCache(config.cacheSize());
        this.memory = new MemoryGuard(config.memoryBudget(), 30_000);
        this.workers = new OcrWorkers(config.workers(), config.queueCapacity(), config.timeout(),
                () -> new EngineSet(config.tessdata(), config.engineMaxImages(), EngineSet.PER_WORKER), memory);
        this.analyzer = new ImageAnalyzer(new ImageDecoder(config.common().imageMaxBytes(), config.maxPixels()),
                new Preprocessor(config.upscaleLineHeight(), config.upscaleDenseLineHeight(), config.maxScale(), 16_000_000L), config.dpi());
        SettingsResolver settings = new SettingsResolver(new Tessdata(config.tessdata()), config.languages(), config.pageSegMode(),
                config.engineMode(), config.minWordConfidence());
        this.pdfs = new PdfAnalyzer(analyzer, config.pdfLimits());
        this.ocr = new ImageOcr(analyzer, pdfs, settings, crawlId -> Optional.ofNullable(crawls.get(crawlId)), cache, markers);
    }

    @Override
    public void close() {
        workers.close();
    }
}
