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
import dev.crawlocr.analyzer.pipeline.ResultCache;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.config.Config;
import dev.crawlocr.common.config.ConfigException;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.CrawlJobsView;
import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.kafka.PipelineConsumer;
import dev.crawlocr.common.kafka.TopicAdmin;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.ops.NodeMain;
import dev.crawlocr.common.ops.NodeRuntime;
import dev.crawlocr.common.ops.OpsServer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analyzer node: consumes {@code crawl.images}, OCRs each image on a pool of worker threads (one Tesseract
 * engine per thread and language set, reused), and produces {@code crawl.ocr}. {@link #close()} stops consuming,
 * lets started images finish, and frees the engines.
 */
public final class AnalyzerNode implements NodeMain.Node {
    private static final Logger log = LoggerFactory.getLogger(AnalyzerNode.class);

    private final AnalyzerConfig config;
    private final NodeRuntime runtime;

    private AnalyzerNode(AnalyzerConfig config, Config raw) {
        this.config = config;
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
        if (config.common().createTopics()) {
            TopicAdmin.ensureTopics(config.common());
        }
        runtime = new NodeRuntime("analyzer-node", config.common().opsPort());
        try {
            // Closed in reverse order: the consumer first, then the workers (started images finish), producer and jobs view.
            CrawlJobsView jobs = runtime.keep(new CrawlJobsView(config.common(), "analyzer", null));
            KafkaProducer<byte[], byte[]> producer = runtime.keep(Clients.producer(config.common(), "analyzer"));
            MemoryGuard memory = new MemoryGuard(config.memoryBudget(), 30_000);
            OcrWorkers workers = runtime.keep(new OcrWorkers(config.workers(), config.queueCapacity(), config.timeout(),
                    () -> new EngineSet(config.tessdata(), config.engineMaxImages(), EngineSet.PER_WORKER), memory));
            AnalyzerMetrics metrics = new AnalyzerMetrics(runtime.metrics(), workers, memory);
            ImageAnalyzer analyzer = new ImageAnalyzer(new ImageDecoder(config.common().imageMaxBytes(), config.maxPixels()),
                    new Preprocessor(config.upscaleLineHeight(), config.upscaleDenseLineHeight(), config.maxScale(), Math.max(config.maxPixels(), 16_000_000L)), config.dpi());
            ImageOcr ocr = new ImageOcr(analyzer, settings,
                    crawlId -> jobs.getWaitingOnce(crawlId, config.crawlWait()).map(CrawlJob::ocr), new ResultCache(config.cacheSize()),
                    new AttemptMarkers(config.stateDir()));
            runtime.consume(new PipelineConsumer(
                    Clients.consumer(config.common(), Topics.GROUP_ANALYZER, "analyzer", Math.max(1, config.workers())),
                    new ImageHandler(workers, ocr, producer, metrics),
                    new DeadLetters(producer, config.common().imageMaxBytes()),
                    PipelineConsumer.Options.of("analyzer", List.of(Topics.IMAGES), config.workers() + config.queueCapacity()),
                    workers::isFull, runtime.metrics()));
            runtime.start();
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        log.info("Analyzer {} started: {} workers, queue {}, ops port {}", config.common().nodeId(), config.workers(),
                config.queueCapacity(), runtime.ops().port());
    }

    /** Starts a node from environment-style settings and {@code --name=value} flags. */
    public static AnalyzerNode start(Map<String, String> env, String... args) {
        Config raw = AnalyzerConfig.DEF.parse(env, args);
        return new AnalyzerNode(AnalyzerConfig.from(raw), raw);
    }

    public AnalyzerConfig config() {
        return config;
    }

    public OpsServer ops() {
        return runtime.ops();
    }

    public boolean isReady() {
        return runtime.isReady();
    }

    @Override
    public Throwable awaitFailure() throws InterruptedException {
        return runtime.awaitFailure();
    }

    @Override
    public void close() {
        log.info("Analyzer {} stopping", config.common().nodeId());
        runtime.close();
    }
}
