package dev.crawlocr.analyzer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.analyzer.ocr.EngineKey;
import dev.crawlocr.analyzer.ocr.EngineSet;
import dev.crawlocr.analyzer.ocr.TessEngine;
import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.devkit.TextImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-image decisions of {@link ImageOcr} on real libtesseract: cache, crash loops, timeouts, settings. */
class ImageOcrIT {
    @TempDir
    Path state;

    private static final byte[] PNG = TextImages.png(List.of("Harbor lighthouse", "open daily"), "DejaVu Sans", 24, false);

    @Test
    void an_image_already_read_in_a_crawl_is_answered_from_the_cache() throws Exception {
        try (TestPipeline p = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "1"))) {
            Outcome first = process(p, meta("c1", PNG, "http://a/1.png"), PNG);
            Outcome again = process(p, meta("c1", PNG, "http://a/2.png"), PNG);
            Outcome otherCrawl = process(p, meta("c2", PNG, "http://a/1.png"), PNG);
            assertThat(first.cached()).isFalse();
            assertThat(again.cached()).isTrue();
            assertThat(again.result().text()).isEqualTo(first.result().text()).isEqualTo("Harbor lighthouse\nopen daily");
            assertThat(again.result().imageUrl()).isEqualTo("http://a/2.png");
            assertThat(otherCrawl.cached()).isFalse();
        }
    }

    @Test
    void an_image_that_killed_the_process_twice_is_not_tried_a_third_time() throws Exception {
        try (TestPipeline p = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "1"))) {
            ImageMeta meta = meta("c1", PNG, "http://a/crash.png");
            p.markers.begin(meta.contentHash()); // two attempts that never finished: the process died during OCR
            p.markers.begin(meta.contentHash());
            Outcome o = process(p, meta, PNG);
            assertThat(o.failed()).isTrue();
            assertThat(o.reason()).isEqualTo("crash_loop");
            assertThat(o.attempts()).isEqualTo(2);
            assertThat(o.result().reason()).isEqualTo("crash_loop: The analyzer process died 2 times while reading this image; it is not tried again");
            assertThat(p.markers.pending()).isZero();
        }
    }

    @Test
    void one_earlier_crash_gets_one_more_try_and_the_marker_is_cleared() throws Exception {
        try (TestPipeline p = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "1"))) {
            ImageMeta meta = meta("c1", PNG, "http://a/once.png");
            p.markers.begin(meta.contentHash());
            Outcome o = process(p, meta, PNG);
            assertThat(o.failed()).isFalse();
            assertThat(p.markers.pending()).isZero();
        }
    }

    @Test
    void an_image_past_the_timeout_fails_with_reason_timeout() throws Exception {
        try (TestPipeline p = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "1", "OCR_TIMEOUT", "1ms"))) {
            byte[] big = TextImages.png(List.of("a long paragraph of text to read ".repeat(6), "and another line of it ".repeat(8)),
                    "DejaVu Sans", 12, false);
            Outcome o = p.workers.submit(ctx -> p.ocr.process(meta("c1", big, "http://a/slow.png"), big, ctx))
                    .exceptionally(e -> p.ocr.failed(meta("c1", big, "http://a/slow.png"), e)).get(60, TimeUnit.SECONDS);
            assertThat(o.reason()).isEqualTo("timeout");
            assertThat(o.result().status()).isEqualTo(OcrResult.Status.FAILED);
            assertThat(o.result().reason()).startsWith("timeout: ").contains("exceeded");
        }
    }

    @Test
    void an_unknown_language_fails_naming_the_installed_ones() throws Exception {
        try (TestPipeline p = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "1"))) {
            p.crawls.put("klingon", new OcrSettings("eng+tlh", null, null, null));
            Outcome o = process(p, meta("klingon", PNG, "http://a/1.png"), PNG);
            assertThat(o.reason()).isEqualTo("unknown_language");
            assertThat(o.result().reason()).isEqualTo("unknown_language: Unknown OCR language 'tlh': installed in "
                    + "/usr/share/tesseract-ocr/5/tessdata are eng, kor, osd");
        }
    }

    @Test
    void crawl_settings_choose_page_segmentation_and_minimum_word_confidence() throws Exception {
        try (TestPipeline p = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "1"))) {
            p.crawls.put("strict", new OcrSettings("eng", 6, 100, null));
            p.crawls.put("sparse", new OcrSettings(null, 11, 0, null));
            Outcome strict = process(p, meta("strict", PNG, "http://a/1.png"), PNG);
            Outcome sparse = process(p, meta("sparse", PNG, "http://a/1.png"), PNG);
            assertThat(strict.result().words()).isEmpty(); // no word is 100% certain
            assertThat(strict.result().text()).isNotBlank();
            assertThat(sparse.result().words()).extracting(OcrResult.Word::text).containsExactly("Harbor", "lighthouse", "open", "daily");
        }
    }

    @Test
    void an_engine_is_recycled_after_its_image_limit() {
        try (EngineSet engines = new EngineSet(Path.of("/usr/share/tesseract-ocr/5/tessdata"), 3, 2)) {
            EngineKey eng = new EngineKey("eng", EngineKey.OEM_LSTM_ONLY);
            byte[] gray = new byte[200 * 60];
            java.util.Arrays.fill(gray, (byte) 255);
            for (int i = 0; i < 7; i++) {
                TessEngine e = engines.get(eng);
                e.recognize(gray, 200, 60, 6, 300, 10_000);
            }
            assertThat(engines.created()).isEqualTo(3); // images 1-3, 4-6, 7
            engines.get(new EngineKey("kor", EngineKey.OEM_LSTM_ONLY));
            engines.get(new EngineKey("eng+kor", EngineKey.OEM_LSTM_ONLY)); // a third key evicts the least recently used
            assertThat(engines.created()).isEqualTo(5);
        }
    }

    private static Outcome process(TestPipeline p, ImageMeta meta, byte[] bytes) throws Exception {
        return p.workers.submit(ctx -> p.ocr.process(meta, bytes, ctx)).get(60, TimeUnit.SECONDS);
    }

    private static ImageMeta meta(String crawlId, byte[] bytes, String url) {
        return new ImageMeta(ImageMeta.SCHEMA, crawlId, url, Hashes.sha256Hex(bytes), "image/png");
    }
}
