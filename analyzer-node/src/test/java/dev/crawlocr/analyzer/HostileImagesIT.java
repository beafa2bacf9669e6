package dev.crawlocr.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.kafka.DeadLetters;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.devkit.TextImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and awkward images through a running node: each ends as a result or a dead letter with its reason, and the node goes on. */
class HostileImagesIT {
    @TempDir
    Path state;

    @Test
    void every_bad_image_becomes_data_and_the_node_keeps_reading() throws Exception {
        try (KafkaFixture kafka = new KafkaFixture();
             AnalyzerNode node = AnalyzerNode.start(kafka.env("analyzer-hostile", state))) {
            String crawlId = kafka.crawl(null);
            Map<String, String> hashes = new LinkedHashMap<>();
            hashes.put("bomb", kafka.image(crawlId, "http://127.0.0.1/bomb.png", TestImages.decompressionBomb(), "image/png"));
            hashes.put("truncated", kafka.image(crawlId, "http://127.0.0.1/cut.png", TestImages.truncatedPng(), "image/png"));
            hashes.put("html", kafka.image(crawlId, "http://127.0.0.1/404.png", TestImages.notAnImage(), "image/png"));
            hashes.put("cmyk", kafka.image(crawlId, "http://127.0.0.1/cmyk.jpg", TestImages.cmykJpeg(), "image/jpeg"));
            hashes.put("png16", kafka.image(crawlId, "http://127.0.0.1/deep.png", TestImages.png16Bit(), "image/png"));
            hashes.put("gif", kafka.image(crawlId, "http://127.0.0.1/anim.gif", TestImages.animatedGif(), "image/gif"));
            hashes.put("transparent", kafka.image(crawlId, "http://127.0.0.1/alpha.png", TestImages.transparentPng(), "image/png"));
            hashes.put("after", kafka.image(crawlId, "http://127.0.0.1/after.png",
                    TextImages.png(List.of("Still reading"), "DejaVu Sans", 24, false), "image/png"));

            await().atMost(Duration.ofSeconds(90)).until(() -> kafka.results(crawlId).size() >= hashes.size()
                    && kafka.deadLetters(crawlId).size() >= 3);

            Map<String, OcrResult> byHash = kafka.results(crawlId).stream().collect(Collectors.toMap(OcrResult::contentHash, Function.identity()));
            assertThat(byHash.get(hashes.get("bomb")).reason())
                    .isEqualTo("too_many_pixels: The png image is 100000x100000 = 10000000000 pixels, more than the budget of 40000000");
            assertThat(byHash.get(hashes.get("truncated")).reason()).startsWith("corrupt_image: Cannot decode the image");
            assertThat(byHash.get(hashes.get("html")).reason()).startsWith("unsupported_format: Not a recognised image");
            for (String ok : List.of("cmyk", "png16", "gif", "transparent")) {
                assertThat(byHash.get(hashes.get(ok)).status()).as(ok).isEqualTo(OcrResult.Status.OK);
                assertThat(byHash.get(hashes.get(ok)).text()).as(ok).isEqualTo(TestImages.TEXT);
            }
            assertThat(byHash.get(hashes.get("after")).text()).isEqualTo("Still reading");

            List<ConsumerRecord<byte[], byte[]>> dead = kafka.deadLetters(crawlId);
            assertThat(dead).extracting(r -> KafkaFixture.header(r, DeadLetters.MESSAGE)).containsExactlyInAnyOrder(
                    byHash.get(hashes.get("bomb")).reason(), byHash.get(hashes.get("truncated")).reason(), byHash.get(hashes.get("html")).reason());
            assertThat(dead).allSatisfy(r -> {
                assertThat(KafkaFixture.header(r, DeadLetters.STAGE)).isEqualTo("analyzer");
                assertThat(KafkaFixture.header(r, DeadLetters.ATTEMPTS)).isEqualTo("1");
                assertThat(KafkaFixture.header(r, "url")).startsWith("http://127.0.0.1/");
            });
            assertThat(node.isReady()).isTrue();
            String metrics = node.ops().registry().scrape();
            assertThat(metrics).contains("analyzer_deadletters_total{node=\"analyzer-node\",reason=\"too_many_pixels\"} 1.0")
                    .contains("reason=\"corrupt_image\"").contains("reason=\"unsupported_format\"");
        }
    }
}
