package dev.crawlocr.analyzer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.analyzer.TestImages;
import dev.crawlocr.devkit.ImageEncoding;
import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.localcluster.Cer;
import dev.crawlocr.devkit.TextImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Accuracy of the default pipeline on real libtesseract: rendered English and Korean text at small sizes, and awkward formats. */
class OcrAccuracyIT {
    @TempDir
    static Path state;
    static TestPipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = new TestPipeline(state, Map.of("ANALYZER_WORKERS", "2"));
        pipeline.crawls.put("kor", new OcrSettings("kor", null, null, null));
        pipeline.crawls.put("mixed", new OcrSettings("kor+eng", null, null, null));
        pipeline.crawls.put("eng+kor", new OcrSettings("eng+kor", null, null, null));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 12, 14, 16})
    void small_english_text_reads_exactly(int size) throws Exception {
        String text = "Museum opening hours\nTuesday to Sunday 1030";
        OcrResult r = read("eng", TextImages.png(List.of(text.split("\n")), "DejaVu Sans", size, false));
        assertThat(Cer.of(text, r.text())).as("%d px read as '%s'", size, r.text()).isLessThanOrEqualTo(0.005);
    }

    @ParameterizedTest
    @ValueSource(ints = {14, 18, 22})
    void small_korean_text_reads_after_upscaling(int size) throws Exception {
        String text = "도서관 운영 시간 안내\n주말 예약 문의";
        OcrResult r = read("kor", TextImages.png(List.of(text.split("\n")), "NanumGothic", size, false));
        assertThat(Cer.of(text, r.text())).as("%d px read as '%s'", size, r.text()).isLessThanOrEqualTo(0.03);
        assertThat(r.languages()).isEqualTo("kor");
    }

    @Test
    void mixed_english_and_korean_lines_with_two_languages() throws Exception {
        String text = "Seoul 서울 날씨 weather 2024"; // Tesseract prefers the first language: kor+eng reads this, eng+kor misreads 서울
        OcrResult r = read("mixed", TextImages.png(List.of(text), "NanumGothic", 24, false));
        assertThat(r.text()).isEqualTo(text);
        assertThat(r.languages()).isEqualTo("kor+eng");
        String lines = "Opening hours\n운영 시간 안내";
        OcrResult both = read("eng+kor", TextImages.png(List.of(lines.split("\n")), "NanumGothic", 24, false));
        assertThat(Cer.of(lines, both.text())).as("read as '%s'", both.text()).isLessThanOrEqualTo(0.03);
        assertThat(both.languages()).isEqualTo("eng+kor");
    }

    @Test
    void light_text_on_dark_reads() throws Exception {
        String text = "Night mode banner";
        assertThat(read("eng", TextImages.png(List.of(text), "DejaVu Sans", 20, true)).text()).isEqualTo(text);
    }

    @Test
    void cmyk_jpeg_16_bit_png_animated_gif_transparent_png_bmp_and_tiff_all_read() throws Exception {
        Map<String, byte[]> images = Map.of("jpeg", TestImages.cmykJpeg(), "png16", TestImages.png16Bit(), "gif", TestImages.animatedGif(),
                "transparent", TestImages.transparentPng(), "bmp", TestImages.encoded(ImageEncoding.BMP), "tiff", TestImages.encoded(ImageEncoding.TIFF));
        for (var e : images.entrySet()) {
            OcrResult r = read("eng", e.getValue());
            assertThat(r.status()).as(e.getKey()).isEqualTo(OcrResult.Status.OK);
            assertThat(r.text()).as(e.getKey()).isEqualTo(TestImages.TEXT);
        }
    }

    @Test
    void words_carry_confidence_and_boxes_in_original_pixels() throws Exception {
        OcrResult r = read("eng", TextImages.png(List.of("alpha beta"), "DejaVu Sans", 14, false));
        assertThat(r.words()).extracting(OcrResult.Word::text).containsExactly("alpha", "beta");
        OcrResult.Word alpha = r.words().get(0);
        OcrResult.Word beta = r.words().get(1);
        assertThat(alpha.confidence()).isGreaterThan(80);
        assertThat(alpha.x()).isBetween(10, 18); // TextImages starts text one em (14 px) in
        assertThat(alpha.x() + alpha.width()).isLessThan(beta.x());
        assertThat(beta.x() + beta.width()).isLessThanOrEqualTo(r.width());
        assertThat(alpha.height()).isBetween(8, 16);
        assertThat(r.decodeMs() + r.preprocessMs() + r.ocrMs()).isPositive();
    }

    private static OcrResult read(String crawlId, byte[] bytes) throws Exception {
        ImageMeta meta = new ImageMeta(ImageMeta.SCHEMA, crawlId, "http://127.0.0.1/x.png", Hashes.sha256Hex(bytes), "image/png");
        Outcome o = pipeline.workers.submit(ctx -> pipeline.ocr.process(meta, bytes, ctx)).get(60, TimeUnit.SECONDS);
        assertThat(o.reason()).as("failure reason: %s", o.result().reason()).isNull();
        return o.result();
    }
}
