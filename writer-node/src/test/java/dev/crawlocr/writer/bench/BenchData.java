package dev.crawlocr.writer.bench;

import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.UrlKind;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic benchmark records: page fetch results with 3-4 KB of text drawn from a Zipf-like vocabulary (so
 * text search indexing costs what it costs on real prose), and discovered-URL batches of 50 links per page.
 */
final class BenchData {
    private final Random random = new Random(42);
    private final String[] vocabulary = new String[20_000];

    BenchData() {
        for (int i = 0; i < vocabulary.length; i++) {
            int len = 3 + random.nextInt(8);
            StringBuilder w = new StringBuilder(len);
            for (int j = 0; j < len; j++) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            vocabulary[i] = w.toString();
        }
    }

    static String pageUrl(int i) {
        return "http://host" + (i % 200) + ".bench.test/section/" + (i / 200) + "/page-" + i + ".html";
    }

    String text(int chars) {
        StringBuilder sb = new StringBuilder(chars + 16);
        while (sb.length() < chars) {
            double u = random.nextDouble();
            sb.append(vocabulary[(int) (vocabulary.length * u * u * u)]).append(random.nextInt(12) == 0 ? ". " : " ");
        }
        return sb.toString();
    }

    List<FetchResult> pages(String crawlId, int n) {
        List<FetchResult> out = new ArrayList<>(n);
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            String url = pageUrl(i);
            String text = text(3000 + random.nextInt(1000));
            out.add(new FetchResult(FetchResult.SCHEMA, crawlId, url, UrlKind.PAGE, 2, FetchStatus.FETCHED, null, url, 200,
                    "text/html; charset=utf-8", "Page " + i + " " + text.substring(0, 40), text, false,
                    Hashes.sha256Hex(text.getBytes(StandardCharsets.UTF_8)), text.length() * 3L, 40, Map.of(), List.of(), null, now + i, 120,
                    1, 0, 0, 0));
        }
        return out;
    }

    /** {@code total} new URLs as records of {@code perRecord} links, each record's links on one host. */
    List<DiscoveredUrls> discovered(String crawlId, int total, int perRecord) {
        List<DiscoveredUrls> out = new ArrayList<>();
        for (int start = 0; start < total; start += perRecord) {
            String host = "host" + (start / perRecord % 500) + ".registry.test";
            List<DiscoveredUrls.Link> links = new ArrayList<>(perRecord);
            for (int i = start; i < Math.min(total, start + perRecord); i++) {
                links.add(new DiscoveredUrls.Link("http://" + host + "/a/b/" + i + "?q=" + (i * 7919L), UrlKind.PAGE, 3));
            }
            out.add(new DiscoveredUrls(DiscoveredUrls.SCHEMA, crawlId, host, "http://" + host + "/src/" + start, links));
        }
        return out;
    }

    /** The pages rows the writer stores, as CSV for {@code \copy pages(COLUMNS) FROM file WITH (FORMAT csv)}. */
    static final String COPY_COLUMNS = "crawl_id, url_hash, url, final_url, status, reason, http_status, content_type, title, text, "
            + "truncated, content_hash, bytes, outlink_count, image_count, redirect_to, depth, fetched_at, fetch_ms";

    static void writeCsv(List<FetchResult> pages, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (FetchResult r : pages) {
                w.write(String.join(",", csv(r.crawlId()), "\\x" + Hashes.hex(Hashes.urlHash(r.url())), csv(r.url()), csv(r.finalUrl()),
                        r.status().name(), "", Integer.toString(r.httpStatus()), csv(r.contentType()), csv(r.title()), csv(r.text()),
                        Boolean.toString(r.truncated()), csv(r.contentHash()), Long.toString(r.bytes()), Integer.toString(r.outlinkCount()),
                        Integer.toString(r.imageUrls().size()), "", Integer.toString(r.depth()),
                        Instant.ofEpochMilli(r.fetchedAtMs()).toString(), Long.toString(r.fetchMs())));
                w.write('\n');
            }
        }
    }

    private static String csv(String s) {
        return s == null ? "" : '"' + s.replace("\"", "\"\"") + '"';
    }
}
