package dev.crawlocr.analyzer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.devkit.TextImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded over thousands of images: engines are recycled, the cache is capped, and resident memory
 * (native engines included) does not keep growing once warmed up. {@code -Danalyzer.memory.images=5000} runs longer.
 */
class MemoryBoundedIT {
    private static final int IMAGES = Integer.getInteger("analyzer.memory.images", 1000);
    private static final int WARM_UP = 200;

    @TempDir
    Path state;

    @Test
    void resident_memory_levels_off_while_thousands_of_images_are_read() throws Exception {
        try (TestPipeline p = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "2", "OCR_ENGINE_MAX_IMAGES", "200",
                "OCR_CACHE_SIZE", "400"))) {
            Semaphore window = new Semaphore(8);
            AtomicInteger failed = new AtomicInteger();
            long warmRss = 0;
            long peakAfterWarmUp = 0;
            for (int i = 0; i < IMAGES; i++) {
                byte[] png = TextImages.png(List.of("No " + (10_000 + i)), "DejaVu Sans", 20, false);
                ImageMeta meta = new ImageMeta(ImageMeta.SCHEMA, "memory", "http://127.0.0.1/" + i + ".png", Hashes.sha256Hex(png), "image/png");
                window.acquire();
                CompletableFuture<Outcome> f = p.workers.submit(ctx -> p.ocr.process(meta, png, ctx));
                f.whenComplete((o, e) -> {
                    if (e != null || o.failed()) {
                        failed.incrementAndGet();
                    }
                    window.release();
                });
                if (i == WARM_UP) {
                    warmRss = p.memory.residentBytes();
                } else if (i > WARM_UP && i % 100 == 0) {
                    peakAfterWarmUp = Math.max(peakAfterWarmUp, p.memory.residentBytes());
                }
            }
            assertThat(window.tryAcquire(8, 120, TimeUnit.SECONDS)).isTrue();
            peakAfterWarmUp = Math.max(peakAfterWarmUp, p.memory.residentBytes());

            System.out.printf("MemoryBoundedIT: %d images, resident %d MB after warm-up, peak %d MB after%n", IMAGES, warmRss >> 20,
                    peakAfterWarmUp >> 20);
            assertThat(failed.get()).isZero();
            assertThat(p.cache.size()).isLessThanOrEqualTo(400);
            assertThat(p.markers.pending()).isZero();
            assertThat(peakAfterWarmUp - warmRss).as("resident growth after warm-up, bytes (warm %d MB)", warmRss >> 20)
                    .isLessThan(150L << 20);
        }
    }
}
