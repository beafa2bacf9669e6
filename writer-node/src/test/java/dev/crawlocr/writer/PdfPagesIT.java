package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.ConsumerLag;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The pages of a PDF's OCR result land in {@code pdf_pages}, one row per page; replaying the result, and a FAILED
 * result for the same document after it, change no row; the pages are found by full-text search.
 */
class PdfPagesIT {

    @Test
    void pagesAreUpsertedOncePerCrawlHashAndPage() throws Exception {
        try (WriterKit kit = new WriterKit();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrap))) {
            kit.startWriter();
            kit.send(Topics.JOBS, kit.crawlId, new CrawlJob(CrawlJob.SCHEMA, kit.crawlId, CrawlJob.State.RUNNING, List.of("http://site.test/"),
                    null, Politeness.defaults(), OcrSettings.defaults(), Instant.now()));
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*) FROM crawls WHERE id = '" + kit.crawlId + "'") == 1);

            OcrResult.Word word = new OcrResult.Word("harbour", 100f, 72, 80, 50, 12);
            OcrResult ok = new OcrResult(OcrResult.SCHEMA, kit.crawlId, "h-doc", "http://site.test/doc.pdf", OcrResult.Status.OK, null, "", 93f,
                    List.of(), "eng", "5.3.0", "pdf", 0, 0, 10, 20, 30, List.of(
                            new OcrResult.Page(1, "The harbour authority", OcrResult.TEXT_LAYER, 100f, List.of(word), 72),
                            new OcrResult.Page(2, "seven lighthouse ships", OcrResult.OCR, 86f, List.of(), 300)));
            kit.send(Topics.OCR, "h-doc", ok);
            String where = " FROM pdf_pages WHERE crawl_id = '" + kit.crawlId + "'";
            await().atMost(60, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*)" + where) == 2);
            List<String> rows = kit.strings("SELECT content_hash || ' ' || page_number || ' ' || source || ' ' || text || ' ' || dpi || ' '"
                    + " || words::text" + where + " ORDER BY page_number");
            assertThat(rows).containsExactly(
                    "h-doc 1 text-layer The harbour authority 72 [{\"x\": 72, \"y\": 80, \"text\": \"harbour\", \"width\": 50, \"height\": 12,"
                            + " \"confidence\": 100.0}]",
                    "h-doc 2 ocr seven lighthouse ships 300 []");
            assertThat(kit.strings("SELECT page_number::text" + where + " AND tsv @@ crawlocr_query('lighthouse')")).containsExactly("2");

            OcrResult failed = new OcrResult(OcrResult.SCHEMA, kit.crawlId, "h-doc", "http://site.test/doc.pdf", OcrResult.Status.FAILED,
                    "pdf_timeout: too slow", "", 0f, List.of(), null, "5.3.0", "pdf", 0, 0, 0, 0, 0);
            kit.send(Topics.OCR, "h-doc", ok);
            kit.send(Topics.OCR, "h-doc", failed);
            kit.send(Topics.OCR, "h-doc", ok);
            ConsumerLag lag = new ConsumerLag(admin);
            await().atMost(60, TimeUnit.SECONDS).until(() -> lag.lag(Topics.GROUP_WRITER, Topics.OCR) == 0);
            assertThat(kit.count("SELECT count(*)" + where)).isEqualTo(2);
            assertThat(kit.strings("SELECT content_hash || ' ' || page_number || ' ' || source || ' ' || text || ' ' || dpi || ' '"
                    + " || words::text" + where + " ORDER BY page_number")).isEqualTo(rows);
            assertThat(kit.strings("SELECT status || ' ' || format FROM ocr_results WHERE crawl_id = '" + kit.crawlId + "'"))
                    .containsExactly("OK pdf");
        }
    }
}
