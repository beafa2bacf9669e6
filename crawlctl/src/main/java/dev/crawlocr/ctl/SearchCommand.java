package dev.crawlocr.ctl;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code crawlctl search "text"}: full-text search over page text, images' OCR text and the pages of PDFs (their text
 * layer or OCR); a PDF page's hit is the PDF's URL with {@code #page=N}.
 */
@Command(name = "search", description = "Full-text search over page text, OCR text and PDF pages; prints URL, snippet and rank.")
final class SearchCommand implements Callable<Integer> {
    /** Marks where a matched word starts and stops in {@link Hit#snippet()}; neither occurs in stored text. */
    static final char START = '\u0002';
    static final char STOP = '\u0003';

    static final String SQL = """
            SELECT kind, url, crawl_id, rank,
                   ts_headline('simple', body, crawlocr_query(?), 'StartSel=\u0002, StopSel=\u0003, MaxWords=18, MinWords=6, MaxFragments=1') AS snippet,
                   page_url, content_hash
            FROM (
              SELECT 'page' AS kind, p.url, p.crawl_id, coalesce(p.title, '') || ' ' || coalesce(p.text, '') AS body,
                     ts_rank(p.tsv, crawlocr_query(?)) AS rank, NULL AS page_url, NULL AS content_hash
              FROM pages p WHERE p.tsv @@ crawlocr_query(?) AND (?::text IS NULL OR p.crawl_id = ?)
              UNION ALL
              SELECT 'image', coalesce(o.image_url, o.content_hash), o.crawl_id, o.text, ts_rank(o.tsv, crawlocr_query(?)),
                     (SELECT p.url FROM images i JOIN page_images pi ON pi.crawl_id = i.crawl_id AND pi.image_url_hash = i.url_hash
                      JOIN pages p ON p.crawl_id = pi.crawl_id AND p.url_hash = pi.page_url_hash
                      WHERE i.crawl_id = o.crawl_id AND i.content_hash = o.content_hash LIMIT 1),
                     o.content_hash
              FROM ocr_results o WHERE o.tsv @@ crawlocr_query(?) AND (?::text IS NULL OR o.crawl_id = ?)
              UNION ALL
              SELECT 'pdf', d.url || '#page=' || pp.page_number, pp.crawl_id, pp.text, ts_rank(pp.tsv, crawlocr_query(?)), NULL,
                     pp.content_hash
              FROM pdf_pages pp
              JOIN LATERAL (SELECT min(p.url) AS url FROM pages p WHERE p.crawl_id = pp.crawl_id AND p.content_hash = pp.content_hash
                            AND p.content_type = 'application/pdf') d ON d.url IS NOT NULL
              WHERE pp.tsv @@ crawlocr_query(?) AND (?::text IS NULL OR pp.crawl_id = ?)
            ) hits ORDER BY rank DESC, url LIMIT ?""";

    /**
     * One match: a page ({@code contentHash} null), an image's OCR text ({@code pageUrl} one page it is on, or null), or
     * a PDF page (kind {@code pdf}, {@code url} the PDF's URL with {@code #page=N}).
     * The snippet marks matched words with {@link #START} and {@link #STOP}.
     */
    record Hit(String kind, String url, String crawlId, double rank, String snippet, String pageUrl, String contentHash) {
    }

    @ParentCommand
    Crawlctl root;
    @Parameters(paramLabel = "TEXT", description = "Words to find")
    String text;
    @Option(names = "--crawl", description = "Only this crawl")
    String crawl;
    @Option(names = "--limit", defaultValue = "20", description = "Most hits shown (default ${DEFAULT-VALUE})")
    int limit;

    /** The best {@code limit} matches of {@code text} in pages and OCR text, of {@code crawl} only when not null. */
    static List<Hit> search(Connection db, String text, String crawl, int limit) throws SQLException {
        List<Hit> hits = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(SQL)) {
            for (int i : new int[] {1, 2, 3, 6, 7, 10, 11}) {
                ps.setString(i, text);
            }
            for (int i : new int[] {4, 5, 8, 9, 12, 13}) {
                ps.setString(i, crawl);
            }
            ps.setInt(14, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hits.add(new Hit(rs.getString("kind"), rs.getString("url"), rs.getString("crawl_id"), rs.getDouble("rank"),
                            rs.getString("snippet").replaceAll("\\s+", " "), rs.getString("page_url"), rs.getString("content_hash")));
                }
            }
        }
        return hits;
    }

    @Override
    public Integer call() throws Exception {
        List<Hit> hits;
        try (Connection db = root.db()) {
            hits = search(db, text, crawl, limit);
        }
        for (Hit h : hits) {
            System.out.printf("%.3f  %-5s %s%s%n       %s%n", h.rank(), h.kind(), h.url(), h.pageUrl() == null ? "" : "  (on " + h.pageUrl() + ")",
                    h.snippet().replace(START, '[').replace(STOP, ']'));
        }
        if (hits.isEmpty()) {
            System.out.println("no matches for '" + text + "'");
        }
        return hits.isEmpty() ? 1 : 0;
    }
}
