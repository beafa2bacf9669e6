package dev.crawlocr.ctl;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code crawlctl search "text"}: full-text search over page text and OCR text. */
@Command(name = "search", description = "Full-text search over page text and OCR text; prints URL, snippet and rank.")
final class SearchCommand implements Callable<Integer> {
    static final String SQL = """
            SELECT kind, url, crawl_id, rank,
                   ts_headline('simple', body, crawlocr_query(?), 'StartSel=[, StopSel=], MaxWords=18, MinWords=6, MaxFragments=1') AS snippet,
                   page_url
            FROM (
              SELECT 'page' AS kind, p.url, p.crawl_id, coalesce(p.title, '') || ' ' || coalesce(p.text, '') AS body,
                     ts_rank(p.tsv, crawlocr_query(?)) AS rank, NULL AS page_url
              FROM pages p WHERE p.tsv @@ crawlocr_query(?) AND (?::text IS NULL OR p.crawl_id = ?)
              UNION ALL
              SELECT 'image', coalesce(o.image_url, o.content_hash), o.crawl_id, o.text, ts_rank(o.tsv, crawlocr_query(?)),
                     (SELECT p.url FROM images i JOIN page_images pi ON pi.crawl_id = i.crawl_id AND pi.image_url_hash = i.url_hash
                      JOIN pages p ON p.crawl_id = pi.crawl_id AND p.url_hash = pi.page_url_hash
                      WHERE i.crawl_id = o.crawl_id AND i.content_hash = o.content_hash LIMIT 1)
              FROM ocr_results o WHERE o.tsv @@ crawlocr_query(?) AND (?::text IS NULL OR o.crawl_id = ?)
            ) hits ORDER BY rank DESC, url LIMIT ?""";

    @ParentCommand
    Crawlctl root;
    @Parameters(paramLabel = "TEXT", description = "Words to find")
    String text;
    @Option(names = "--crawl", description = "Only this crawl")
    String crawl;
    @Option(names = "--limit", defaultValue = "20", description = "Most hits shown (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws Exception {
        int hits = 0;
        try (Connection db = root.db(); PreparedStatement ps = db.prepareStatement(SQL)) {
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                ps.setString(i, text);
            }
            ps.setString(4, crawl);
            ps.setString(5, crawl);
            ps.setString(8, crawl);
            ps.setString(9, crawl);
            ps.setInt(10, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hits++;
                    System.out.printf("%.3f  %-5s %s%s%n       %s%n", rs.getDouble("rank"), rs.getString("kind"), rs.getString("url"),
                            rs.getString("page_url") == null ? "" : "  (on " + rs.getString("page_url") + ")",
                            rs.getString("snippet").replaceAll("\\s+", " "));
                }
            }
        }
        if (hits == 0) {
            System.out.println("no matches for '" + text + "'");
        }
        return hits == 0 ? 1 : 0;
    }
}
