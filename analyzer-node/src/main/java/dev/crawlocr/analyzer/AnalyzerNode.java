package dev.crawlocr.analyzer;

import dev.crawlocr.analyzer.image.ImageDecoder;
import dev.crawlocr.analyzer.image.Preprocessor;
import dev.crawlocr.analyzer.ocr.EngineSet;
import dev.crawlocr.analyzer.ocr.SettingsResolver;
import dev.crawlocr.analyzer.ocr.TessEngine;
import dev.crawlocr.analyzer.ocr.Tessdata;
import dev.crawlocr.analyzer.pipeline.AnalyzerMetrics;
import dev.crawlocr.analyzer.pipeline.AttemptMarkers;
import dev.crawlocr.analyzer.pipeline.ImageAnalyzer;
import dev.crawlocr.analyzer.pipeline.ImageHandler;
import dev.crawlocr.analyzer.pipeline.ImageOcr;
import dev.crawlocr.analyzer.pipeline.MemoryGuard;
import dev.crawlocr.analyzer.pipeline.OcrWorkers;
import dev.crawlocr.analyzer.pipeline.PdfAnalyzer;
import dev.crawlocr.analyzer.pipeline.ResultCache;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.Config;
import dev.crawlocr.common.config.ConfigException;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.CrawlJobsView;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.ops.NodeRuntime;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analyzer node: consumes {@code crawl.images}, OCRs each image (and reads each PDF) on a pool of worker threads (one Tesseract
 * engine per thread and language set, reused), and produces {@code crawl.ocr}. {@link #close()} stops consuming,
 * lets started images finish, and frees the engines.
 */
public final class AnalyzerNode extends NodeRuntime {
    private static final Logger log = LoggerFactory.getLogger(AnalyzerNode.class);

    private final AnalyzerConfig config;

    private AnalyzerNode(AnalyzerConfig config, SettingsResolver settings) {
        super("analyzer-node", config.common().opsPort());
        this.config = config;
        try {
            if (config.common().createTopics()) {
                ensureTopics(config.common());
            }
            // Closed in reverse order: the consumer first, then the workers (started images finish), producer and jobs view.
            CrawlJobsView jobs = keep(new CrawlJobsView(config.common(), "analyzer", null));
            KafkaProducer<byte[], byte[]> producer = keep(Clients.producer(config.common(), "analyzer"));
            MemoryGuard memory = new MemoryGuard(config.memoryBudget(), 30_000);
            OcrWorkers workers = keep(new OcrWorkers(config.workers(), config.queueCapacity(), config.timeout(),
                    () -> new EngineSet(config.tessdata(), config.engineMaxImages(), EngineSet.PER_WORKER), memory));
            AnalyzerMetrics metrics = new AnalyzerMetrics(metrics(), workers, memory);
            ImageAnalyzer analyzer = new ImageAnalyzer(new ImageDecoder(config.common().imageMaxBytes(), config.maxPixels()),
                    new Preprocessor(config.upscaleLineHeight(), config.upscaleDenseLineHeight(), config.maxScale(), Math.max(config.maxPixels(), 16_000_000L)), config.dpi());
            PdfAnalyzer pdfs = new PdfAnalyzer(analyzer, config.pdfLimits());
            ImageOcr ocr = new ImageOcr(analyzer, pdfs, settings,
                    crawlId -> jobs.getWaitingOnce(crawlId, config.crawlWait()).map(CrawlJob::ocr), new ResultCache(config.cacheSize()),
                    new AttemptMarkers(config.stateDir()));
            consume(new PipelineConsumer(
                    Clients.consumer(config.common(), Topics.GROUP_ANALYZER, "analyzer", Math.max(1, config.workers())),
                    new ImageHandler(workers, ocr, producer, metrics),
                    new DeadLetters(producer, config.common().imageMaxBytes()),
                    PipelineConsumer.Options.of("analyzer", List.of(Topics.IMAGES), config.workers() + config.queueCapacity()),
                    workers::isFull, metrics()));
            launch();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("Analyzer {} started: {} workers, queue {}, ops port {}", config.common().nodeId(), config.workers(),
                config.queueCapacity(), ops().port());
    }

    /** Starts a node from environment-style settings and {@code --name=value} flags. */
    public static AnalyzerNode start(Map<String, String> env, String... args) {
        Config raw = AnalyzerConfig.DEF.parse(env, args);
        AnalyzerConfig config = AnalyzerConfig.from(raw);
        Tessdata tessdata = new Tessdata(config.tessdata());
        SettingsResolver settings;
        try {
            settings = new SettingsResolver(tessdata, config.languages(), config.pageSegMode(), config.engineMode(), config.minWordConfidence());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("Invalid value " + config.languages() + " for OCR_LANGUAGES: " + e.getMessage()));
        }
        OmpCheck.warnIfUnlimited(System.getenv());
        log.info("Analyzer {} starting: tesseract {}, installed languages {}, config:\n{}", config.common().nodeId(),
                TessEngine.version(), tessdata.installed(), raw.describe());
        new TessEngine(config.tessdata(), settings.defaults().engine()).close(); // fail fast if the models cannot load
        return new AnalyzerNode(config, settings);
    }

    public AnalyzerConfig config() {
        return config;
    }
}
