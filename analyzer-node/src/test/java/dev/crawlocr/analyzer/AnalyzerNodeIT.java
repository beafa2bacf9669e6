package dev.crawlocr.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.devkit.TextImages;
import dev.crawlocr.localcluster.Cer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images go into a real broker, the analyzer node reads them with libtesseract, and OCR results come out. */
class AnalyzerNodeIT {
    @TempDir
    Path state;

    @Test
    void rendered_pngs_come_back_as_ocr_results_keyed_by_content_hash() throws Exception {
        try (KafkaFixture kafka = new KafkaFixture();
             AnalyzerNode node = AnalyzerNode.start(kafka.env("analyzer-it", state))) {
            String crawlId = kafka.crawl(new OcrSettings("eng", 3, 0, null));
            Map<String, String> expected = new LinkedHashMap<>();
            List<String> texts = List.of("Quarterly report\nRevenue grew 4200 units", "Harbor lighthouse schedule\nOpen daily 0900",
                    "Fresh bread and coffee\nBakery 1873");
            for (int i = 0; i < texts.size(); i++) {
                byte[] png = TextImages.png(List.of(texts.get(i).split("\n")), "DejaVu Sans", 32, i == 2);
                expected.put(kafka.image(crawlId, "http://127.0.0.1/img/" + i + ".png", png, "image/png"), texts.get(i));
            }

            await().atMost(Duration.ofSeconds(90)).until(() -> kafka.results(crawlId).size() >= expected.size());

            List<OcrResult> results = kafka.results(crawlId);
            assertThat(results).extracting(OcrResult::contentHash).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (OcrResult r : results) {
                assertThat(r.status()).isEqualTo(OcrResult.Status.OK);
                assertThat(Cer.of(expected.get(r.contentHash()), r.text())).as("CER of '%s'", r.text()).isLessThanOrEqualTo(0.02);
                assertThat(r.meanConfidence()).isGreaterThan(60);
                assertThat(r.languages()).isEqualTo("eng");
                assertThat(r.engineVersion()).startsWith("5.");
                assertThat(r.format()).isEqualTo("png");
                assertThat(r.words()).isNotEmpty().allSatisfy(w -> {
                    assertThat(w.x() + w.width()).isLessThanOrEqualTo(r.width());
                    assertThat(w.y() + w.height()).isLessThanOrEqualTo(r.height());
                    assertThat(w.width()).isPositive();
                });
            }
            assertThat(node.ops().registry().scrape()).contains("analyzer_images_total{").contains("outcome=\"ok\"");
        }
    }
}
