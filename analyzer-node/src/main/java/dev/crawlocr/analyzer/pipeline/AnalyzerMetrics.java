package dev.crawlocr.analyzer.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The analyzer's meters. Prometheus names: {@code analyzer_images_total{outcome=ok|failed|cached}} (images/s is its
 * rate), {@code analyzer_ocr_seconds} (histogram of engine time per image), {@code analyzer_image_seconds}
 * (histogram of decode + preprocess + OCR), {@code analyzer_queue_depth}, {@code analyzer_workers_busy},
 * {@code analyzer_deadletters_total{reason}}, {@code analyzer_cache_hits_total}, {@code analyzer_engine_recycles}.
 * Thread-safe.
 */
public final class AnalyzerMetrics {
    private final MeterRegistry registry;
    private final Counter ok;
    private final Counter failed;
    private final Counter cached;
    private final Counter cacheHits;
    private final Timer ocr;
    private final Timer total;

    public AnalyzerMetrics(MeterRegistry registry, OcrWorkers workers, MemoryGuard memory) {
        this.registry = registry;
        this.ok = images("ok");
        this.failed = images("failed");
        this.cached = images("cached");
        this.cacheHits = Counter.builder("analyzer.cache.hits").description("Images answered from the content-hash cache")
                .register(registry);
        this.ocr = histogram("analyzer.ocr", "Tesseract recognition time per image");
        this.total = histogram("analyzer.image", "Decode, preprocess and OCR time per image");
        Gauge.builder("analyzer.queue.depth", workers, OcrWorkers::queued).description("Images waiting for an OCR worker").register(registry);
        Gauge.builder("analyzer.workers.busy", workers, OcrWorkers::busy).description("OCR workers reading an image").register(registry);
        Gauge.builder("analyzer.engine.recycles", memory, MemoryGuard::recycles)
                .description("Engine recycles requested by the memory budget").register(registry);
        Gauge.builder("analyzer.process.resident.bytes", memory, MemoryGuard::residentBytes)
                .description("Resident memory of the process, native engines included").register(registry);
    }

    public void record(Outcome outcome) {
        if (outcome.cached()) {
            cached.increment();
            cacheHits.increment();
        } else if (outcome.failed()) {
            failed.increment();
        } else {
            ok.increment();
            ocr.record(Duration.ofMillis(outcome.result().ocrMs()));
            total.record(outcome.result().decodeMs() + outcome.result().preprocessMs() + outcome.result().ocrMs(), TimeUnit.MILLISECONDS);
        }
    }

    public void deadLettered(String reason) {
        Counter.builder("analyzer.deadletters").description("Images dead-lettered, by reason").tag("reason", reason)
                .register(registry).increment();
    }

    private Counter images(String outcome) {
        return Counter.builder("analyzer.images").description("Images handled").tag("outcome", outcome).register(registry);
    }

    private Timer histogram(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }
}
