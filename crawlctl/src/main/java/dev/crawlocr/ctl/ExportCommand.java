package dev.crawlocr.ctl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.crawlocr.common.message.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code crawlctl export --crawl ID --format jsonl|csv}: every fetched page, every page of every PDF read and every
 * OCR'd image of a crawl, one record per line. Columns: kind (page, pdf-page or image), url, status, http_status,
 * title, text, confidence, page_url, content_type, then in JSON lines body_json (a JSON response's parsed body,
 * inline as a JSON value), body_note (why a JSON response has no body_json), page_number and source (of a pdf-page:
 * text-layer or ocr). The text of a response kept as data is its body as it came. A PDF is a page record (status
 * FETCHED, or FAILED with the analyzer's reason in body_note) followed by one pdf-page record per page.
 */
@Command(name = "export", description = "Export a crawl's pages and OCR text as JSON lines or CSV.")
final class ExportCommand implements Callable<Integer> {
    enum Format { jsonl, csv }

    static final String SQL = """
            SELECT * FROM (
            SELECT 'page' AS kind, p.url, coalesce(f.status, p.status) AS status, p.http_status, p.title, p.text,
                   NULL::real AS confidence, NULL AS page_url, p.content_type, p.body_json::text AS body_json,
                   coalesce(f.reason, p.body_note) AS body_note, NULL::int AS page_number, NULL AS source
            FROM pages p LEFT JOIN ocr_results f ON p.content_type = 'application/pdf' AND f.crawl_id = p.crawl_id
                 AND f.content_hash = p.content_hash AND f.status = 'FAILED'
            WHERE p.crawl_id = ?
            UNION ALL
            SELECT 'pdf-page', p.url, 'OK', p.http_status, NULL, pp.text, pp.confidence, NULL, p.content_type, NULL, NULL,
                   pp.page_number, pp.source
            FROM pages p JOIN pdf_pages pp ON pp.crawl_id = p.crawl_id AND pp.content_hash = p.content_hash
            WHERE p.crawl_id = ? AND p.content_type = 'application/pdf'
            UNION ALL
            SELECT 'image', i.url, coalesce(o.status, i.status), i.http_status, NULL, o.text, o.mean_confidence,
                   (SELECT p.url FROM page_images pi JOIN pages p ON p.crawl_id = pi.crawl_id AND p.url_hash = pi.page_url_hash
                    WHERE pi.crawl_id = i.crawl_id AND pi.image_url_hash = i.url_hash ORDER BY p.url LIMIT 1),
                   i.content_type, NULL, NULL, NULL, NULL
            FROM images i LEFT JOIN ocr_results o ON o.crawl_id = i.crawl_id AND o.content_hash = i.content_hash
            WHERE i.crawl_id = ?
            ) records ORDER BY kind = 'image', url, kind, page_number""";
    static final String[] COLUMNS = {"kind", "url", "status", "http_status", "title", "text", "confidence", "page_url", "content_type",
        "body_json", "body_note", "page_number", "source"};
    /** CSV leaves body_json out: a JSON response's body is already in text. */
    static final String[] CSV_COLUMNS = {"kind", "url", "status", "http_status", "title", "text", "confidence", "page_url", "content_type",
        "body_note", "page_number", "source"};

    @ParentCommand
    Crawlctl root;
    @Option(names = "--crawl", required = true, description = "The crawl to export")
    String crawl;
    @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or csv (default ${DEFAULT-VALUE})")
    Format format;
    @Option(names = {"-o", "--output"}, description = "File to write (default: standard output)")
    Path output;

    @Override
    public Integer call() throws Exception {
        long rows = 0;
        try (Connection db = root.db(); Writer out = open()) {
            try (PreparedStatement check = db.prepareStatement("SELECT 1 FROM crawls WHERE id = ?")) {
                check.setString(1, crawl);
                if (!check.executeQuery().next()) {
                    throw new UserError("Unknown crawl '" + crawl + "'. 'crawlctl crawl list' shows the crawls.");
                }
            }
            if (format == Format.csv) {
                out.write(String.join(",", CSV_COLUMNS) + "\r\n");
            }
            try (PreparedStatement ps = db.prepareStatement(SQL)) {
                ps.setString(1, crawl);
                ps.setString(2, crawl);
                ps.setString(3, crawl);
                ps.setFetchSize(500);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.write(format == Format.csv ? csv(rs) : json(rs));
                        rows++;
                    }
                }
            }
        }
        if (output != null) {
            System.err.println("wrote " + rows + " records to " + output);
        }
        return 0;
    }

    private Writer open() throws IOException {
        return output == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    }

    private static String json(ResultSet rs) throws Exception {
        ObjectNode o = Json.mapper().createObjectNode();
        for (String c : COLUMNS) {
            Object v = rs.getObject(c);
            if (c.equals("body_json") && v != null) {
                o.putRawValue(c, new RawValue(v.toString())); // jsonb's text: valid JSON on one line, numbers as stored
            } else if (v instanceof Integer || v instanceof Long) {
                o.put(c, ((Number) v).longValue());
            } else if (v instanceof Number n) {
                o.put(c, n.doubleValue());
            } else {
                o.put(c, v == null ? null : v.toString());
            }
        }
        return o + "\n";
    }

    /** RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled. */
    private static String csv(ResultSet rs) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < CSV_COLUMNS.length; i++) {
            Object v = rs.getObject(CSV_COLUMNS[i]);
            String s = v == null ? "" : v.toString();
            if (i > 0) {
                b.append(',');
            }
            b.append(s.matches("(?s).*[\",\r\n].*") ? '"' + s.replace("\"", "\"\"") + '"' : s);
        }
        return b.append("\r\n").toString();
    }
}
