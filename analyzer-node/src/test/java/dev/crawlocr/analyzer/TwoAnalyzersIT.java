package dev.crawlocr.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.devkit.TextImages;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two analyzer instances in one group share the images; no image is read twice. */
class TwoAnalyzersIT {
    @TempDir
    Path stateA;
    @TempDir
    Path stateB;

    @Test
    void two_instances_share_the_work_and_read_each_image_once() throws Exception {
        try (KafkaFixture kafka = new KafkaFixture()) {
            Map<String, String> envA = kafka.env("analyzer-a", stateA);
            Map<String, String> envB = kafka.env("analyzer-b", stateB);
            envA.put("ANALYZER_WORKERS", "1");
            envB.put("ANALYZER_WORKERS", "1");
            try (AnalyzerNode a = AnalyzerNode.start(envA); AnalyzerNode b = AnalyzerNode.start(envB)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> a.isReady() && b.isReady());
                String crawlId = kafka.crawl(null);
                Map<String, String> expected = new HashMap<>();
                for (int i = 0; i < 24; i++) {
                    String text = "Gate " + (100 + i) + " boarding";
                    expected.put(kafka.image(crawlId, "http://127.0.0.1/g" + i + ".png",
                            TextImages.png(List.of(text), "DejaVu Sans", 20, false), "image/png"), text);
                }

                await().atMost(Duration.ofSeconds(120)).until(() -> kafka.results(crawlId).size() >= expected.size());

                List<OcrResult> results = kafka.results(crawlId);
                assertThat(results).hasSize(expected.size());
                Map<String, OcrResult> byHash = results.stream().collect(Collectors.toMap(OcrResult::contentHash, Function.identity()));
                assertThat(byHash.keySet()).isEqualTo(expected.keySet());
                byHash.forEach((hash, r) -> assertThat(r.text()).isEqualTo(expected.get(hash)));
                double readByA = ok(a);
                double readByB = ok(b);
                assertThat(readByA).isPositive();
                assertThat(readByB).isPositive();
                assertThat(readByA + readByB).isEqualTo(expected.size());
            }
        }
    }

    private static double ok(AnalyzerNode node) {
        Counter c = node.ops().registry().find("analyzer.images").tag("outcome", "ok").counter();
        return c == null ? 0 : c.count();
    }
}
