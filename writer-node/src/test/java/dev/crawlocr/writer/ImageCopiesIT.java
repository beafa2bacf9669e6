package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.kafka.ConsumerLag;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The writer keeps one copy of each image of {@code crawl.images} per crawl and content hash, up to the crawl's cap
 * (its own, else WRITER_IMAGE_COPY_MAX_BYTES); redelivery changes nothing, and a crawl with cap 0 keeps none.
 */
class ImageCopiesIT {

    @Test
    void keepsOneCopyPerCrawlAndHashUpToTheCrawlsCap() throws Exception {
        try (WriterKit kit = new WriterKit();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrap))) {
            kit.startWriter("WRITER_IMAGE_COPY_MAX_BYTES", "1KB");
            String none = kit.crawlId + "-none";
            String small = kit.crawlId + "-small";
            job(kit, kit.crawlId, null);
            job(kit, none, 0L);
            job(kit, small, 100L);
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM crawls WHERE id LIKE '" + kit.crawlId + "%'") == 3);

            byte[] fits = bytes(500, 1);
            byte[] overDefault = bytes(2000, 2);
            byte[] tiny = bytes(50, 3);
            image(kit, kit.crawlId, "h-fits", fits);
            image(kit, kit.crawlId, "h-over", overDefault);
            image(kit, none, "h-fits", fits);
            image(kit, small, "h-fits", fits);
            image(kit, small, "h-tiny", tiny);
            // A record without metadata is skipped (the analyzer dead-letters it), and the sink goes on.
            Clients.send(kit.producer, Topics.IMAGES, "h-bare".getBytes(StandardCharsets.UTF_8), fits, null).join();
            ConsumerLag lag = new ConsumerLag(admin);
            await().atMost(60, TimeUnit.SECONDS).until(() -> lag.lag(Topics.GROUP_WRITER, Topics.IMAGES) == 0);

            assertThat(kit.strings("SELECT crawl_id || ' ' || content_hash FROM image_copies WHERE crawl_id LIKE '" + kit.crawlId
                    + "%'")).containsExactlyInAnyOrder(kit.crawlId + " h-fits", small + " h-tiny");
            assertThat(copy(kit, kit.crawlId, "h-fits")).isEqualTo(fits);
            assertThat(kit.strings("SELECT content_type FROM image_copies WHERE crawl_id = '" + kit.crawlId + "'")).containsExactly("image/png");
            String storedAt = kit.strings("SELECT stored_at::text FROM image_copies WHERE crawl_id = '" + kit.crawlId + "'").get(0);

            // Redelivery, and the same image found again with other bytes under its hash, change nothing.
            image(kit, kit.crawlId, "h-fits", fits);
            image(kit, kit.crawlId, "h-fits", bytes(500, 9));
            await().atMost(60, TimeUnit.SECONDS).until(() -> lag.lag(Topics.GROUP_WRITER, Topics.IMAGES) == 0);
            assertThat(kit.count("SELECT count(*) FROM image_copies WHERE crawl_id LIKE '" + kit.crawlId + "%'")).isEqualTo(2);
            assertThat(copy(kit, kit.crawlId, "h-fits")).isEqualTo(fits);
            assertThat(kit.strings("SELECT stored_at::text FROM image_copies WHERE crawl_id = '" + kit.crawlId + "'")).containsExactly(storedAt);
        }
    }

    private static void job(WriterKit kit, String crawlId, Long cap) {
        kit.send(Topics.JOBS, crawlId, new CrawlJob(CrawlJob.SCHEMA, crawlId, CrawlJob.State.RUNNING, List.of("http://site.test/"), null,
                Politeness.defaults(), new OcrSettings(null, null, null, cap), Instant.now()));
    }

    private static void image(WriterKit kit, String crawlId, String hash, byte[] bytes) {
        ImageMeta meta = new ImageMeta(ImageMeta.SCHEMA, crawlId, "http://site.test/" + hash + ".png", hash, "image/png");
        Clients.send(kit.producer, Topics.IMAGES, hash.getBytes(StandardCharsets.UTF_8), bytes, meta.toHeaders()).join();
    }

    private static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    private static byte[] copy(WriterKit kit, String crawlId, String hash) throws Exception {
        try (Connection c = kit.db(); PreparedStatement ps = c.prepareStatement("SELECT bytes FROM image_copies WHERE crawl_id = ? AND content_hash = ?")) {
            ps.setString(1, crawlId);
            ps.setString(2, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }
}
