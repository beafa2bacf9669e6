package dev.crawlocr.ctl;

import static dev.crawlocr.ctl.Html.escape;
import static dev.crawlocr.ctl.Html.link;
import static dev.crawlocr.ctl.Html.local;
import static dev.crawlocr.ctl.Html.q;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.crawlocr.common.message.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The console's pages, rendered from the database (read-only) and the dead-letter topic. Crawled strings are escaped by {@link Html}. */
final class ConsolePages {

    /** An image copy: its media type and bytes. */
    record Raw(String contentType, byte[] bytes) {
    }

    private final String bootstrapServers;
    private final int imageMaxBytes;
    private final String csrf;

    ConsolePages(String bootstrapServers, int imageMaxBytes, String csrf) {
        this.bootstrapServers = bootstrapServers;
        this.imageMaxBytes = imageMaxBytes;
        this.csrf = csrf;
    }

    String crawls(Connection db) throws SQLException {
        StringBuilder b = new StringBuilder("<table id=\"crawls\"><tr><th>crawl</th><th>state</th><th>URLs</th><th>pages</th><th>images</th>"
                + "<th>OCR</th><th>progress</th><th></th></tr>\n");
        for (StatusCommand.CrawlStatus c : StatusCommand.crawls(db, null)) {
            b.append("<tr data-crawl=\"").append(escape(c.id())).append("\"><td>").append(local("/crawls/" + q(c.id()), c.id()))
                    .append("</td><td>").append(escape(c.state())).append("</td><td>").append(c.total()).append("</td><td>").append(c.pages())
                    .append("</td><td>").append(c.images()).append("</td><td>").append(c.ocrOk())
                    .append(c.ocrFailed() > 0 ? " (" + c.ocrFailed() + " failed)" : "").append("</td><td>").append(progress(c)).append("</td><td>")
                    .append(c.state().equals("RUNNING") ? "<form method=\"get\" action=\"/crawls/" + escape(q(c.id()))
                            + "/stop\"><button>Stop</button></form>" : "")
                    .append("</td></tr>\n");
        }
        return Html.page("Crawls", b.append("</table>").toString());
    }

    /** The confirmation of a stop: a form that posts back with the server's CSRF token. */
    String confirmStop(String crawl) {
        return Html.page("Stop crawl " + crawl, "<p>Stop scheduling crawl " + escape(crawl) + "? URLs in flight finish; no new ones are fetched.</p>"
                + "<form method=\"post\" action=\"/crawls/" + escape(q(crawl)) + "/stop\"><input type=\"hidden\" name=\"csrf\" value=\""
                + escape(csrf) + "\"><button>Stop the crawl</button> " + local("/crawls/" + q(crawl), "cancel") + "</form>");
    }

    /** One crawl's page, or empty when there is no such crawl. */
    Optional<String> crawl(Connection db, String crawl) throws SQLException {
        List<StatusCommand.CrawlStatus> found = StatusCommand.crawls(db, crawl);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StatusCommand.CrawlStatus c = found.get(0);
        StringBuilder b = new StringBuilder();
        b.append("<div id=\"crawl\" data-crawl=\"").append(escape(crawl)).append("\" data-events=\"/crawls/").append(escape(q(crawl)))
                .append("/events\">\n<p>state <b data-field=\"state\">").append(escape(c.state())).append("</b> · URLs <span data-field=\"total\">")
                .append(c.total()).append("</span> · pending <span data-field=\"pending\">").append(c.pending())
                .append("</span> · pages <span data-field=\"pages\">").append(c.pages()).append("</span> · images <span data-field=\"images\">")
                .append(c.images()).append("</span> · OCR <span data-field=\"ocr\">").append(c.ocrOk())
                .append("</span> · OCR failed <span data-field=\"ocrFailed\">").append(c.ocrFailed()).append("</span></p>\n<p>progress ")
                .append(progress(c)).append("</p>\n");
        if (c.state().equals("RUNNING")) {
            b.append(local("/crawls/" + q(crawl) + "/stop", "Stop this crawl…")).append('\n');
        }
        b.append("<h2>Throughput (per second, over ").append(CrawlActivity.WINDOW_SECONDS).append(" s)</h2>\n")
                .append("<svg id=\"throughput-chart\" data-points=\"0\" viewBox=\"0 0 600 200\" width=\"600\" height=\"200\" role=\"img\">")
                .append("<rect x=\"0\" y=\"0\" width=\"600\" height=\"200\" fill=\"#fafafa\" stroke=\"#ccc\"/>")
                .append("<polyline data-series=\"pages\" fill=\"none\" stroke=\"#1f77b4\" points=\"\"/>")
                .append("<polyline data-series=\"images\" fill=\"none\" stroke=\"#2ca02c\" points=\"\"/>")
                .append("<polyline data-series=\"ocr\" fill=\"none\" stroke=\"#d62728\" points=\"\"/>")
                .append("<text x=\"4\" y=\"14\" font-size=\"12\" data-field=\"scale\"></text></svg>\n")
                .append("<p><span style=\"color:#1f77b4\">pages/s <b data-field=\"pagesPerSecond\">0</b></span> · ")
                .append("<span style=\"color:#2ca02c\">images/s <b data-field=\"imagesPerSecond\">0</b></span> · ")
                .append("<span style=\"color:#d62728\">OCR/s <b data-field=\"ocrPerSecond\">0</b></span></p>\n");
        if (c.recrawl() != null) {
            b.append("<p id=\"recrawl\">").append(escape(StatusCommand.recrawlLine(c.recrawl()).strip())).append("</p>\n");
        }
        if (c.maxRequests() > 0) {
            b.append("<p>budget <span data-field=\"budget\">").append(c.requestsCharged()).append("</span> of ").append(c.maxRequests())
                    .append(" requests spent or held by leases</p>\n");
        }
        String dropped = StatusCommand.droppedLine(c.dropped()).strip();
        b.append("<h2>Links dropped by guard</h2><p id=\"dropped\">").append(dropped.isEmpty() ? "none" : escape(dropped.substring("dropped".length()).strip()))
                .append("</p>\n<h2>Politeness</h2><table id=\"politeness\">");
        CrawlActivity.politeness(db, crawl).forEach((k, v) -> b.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v)).append("</td></tr>"));
        b.append("</table>\n<h2>Hosts</h2><table id=\"hosts\"><tr><th>host</th><th>URLs</th><th>fetched</th></tr>");
        for (CrawlActivity.Host h : CrawlActivity.hosts(db, crawl)) {
            b.append("<tr><td>").append(escape(h.host())).append("</td><td>").append(h.urls()).append("</td><td>").append(h.fetched()).append("</td></tr>");
        }
        b.append("</table>\n<h2>Errors by reason</h2><table id=\"errors\"><tr><th>what</th><th>status</th><th>reason</th><th>count</th></tr>");
        for (CrawlActivity.Error e : CrawlActivity.errors(db, crawl)) {
            b.append("<tr><td>").append(escape(e.kind())).append("</td><td>").append(escape(e.status())).append("</td><td>").append(escape(e.reason()))
                    .append("</td><td>").append(e.count()).append("</td></tr>");
        }
        b.append("</table>\n<h2>Dead letters</h2><table id=\"dead-letters\"><tr><th>time</th><th>topic</th><th>stage</th><th>message</th></tr>");
        for (CrawlActivity.DeadLetter d : CrawlActivity.deadLetters(bootstrapServers, imageMaxBytes, crawl, 100, Duration.ofSeconds(5))) {
            b.append("<tr><td>").append(CrawlActivity.time(d.timestampMs())).append("</td><td>").append(escape(d.topic())).append("</td><td>")
                    .append(escape(d.stage())).append("</td><td>").append(escape(d.message())).append("</td></tr>");
        }
        b.append("</table>\n</div>");
        return Optional.of(Html.page("Crawl " + crawl, b.toString()));
    }

    /** One server-sent event's data: the crawl's counts and throughput now, as JSON; empty when there is no such crawl. */
    Optional<String> event(Connection db, String crawl) throws SQLException {
        List<StatusCommand.CrawlStatus> found = StatusCommand.crawls(db, crawl);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StatusCommand.CrawlStatus c = found.get(0);
        CrawlActivity.Throughput t = CrawlActivity.throughput(db, crawl);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("t", t.atMs());
        e.put("state", c.state());
        e.put("total", c.total());
        e.put("pending", c.pending());
        e.put("pages", c.pages());
        e.put("images", c.images());
        e.put("ocr", c.ocrOk());
        e.put("ocrFailed", c.ocrFailed());
        e.put("progress", percent(c));
        e.put("budget", c.requestsCharged());
        e.put("pagesPerSecond", t.pagesPerSecond());
        e.put("imagesPerSecond", t.imagesPerSecond());
        e.put("ocrPerSecond", t.ocrPerSecond());
        try {
            return Optional.of(Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(e));
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    /** The image view: the copy with each word's box over it, the OCR text, timings and the pages it is on; empty when unknown. */
    Optional<String> image(Connection db, String crawl, String hash) throws SQLException {
        StringBuilder b = new StringBuilder();
        String text;
        int width;
        int height;
        JsonNode words;
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT o.status, o.reason, o.text, o.mean_confidence, o.words::text, o.languages, o.engine_version, o.format, o.width, o.height,
                       o.decode_ms, o.preprocess_ms, o.ocr_ms, o.image_url,
                       EXISTS (SELECT 1 FROM image_copies k WHERE k.crawl_id = o.crawl_id AND k.content_hash = o.content_hash)
                FROM ocr_results o WHERE o.crawl_id = ? AND o.content_hash = ?""")) {
            ps.setString(1, crawl);
            ps.setString(2, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                text = rs.getString("text");
                width = rs.getInt("width");
                height = rs.getInt("height");
                words = Json.mapper().readTree(rs.getString(5));
                b.append("<p>crawl ").append(local("/crawls/" + q(crawl), crawl)).append(" · image ")
                        .append(link(rs.getString("image_url"), rs.getString("image_url"))).append("</p>\n<p>OCR <b>").append(escape(rs.getString("status")))
                        .append("</b>").append(rs.getString("reason") == null ? "" : " (" + escape(rs.getString("reason")) + ")")
                        .append(" · mean confidence ").append(String.format(Locale.ROOT, "%.1f", rs.getFloat("mean_confidence")))
                        .append(" · languages <span id=\"languages\">").append(escape(rs.getString("languages"))).append("</span> · engine ")
                        .append(escape(rs.getString("engine_version"))).append(" · ").append(escape(rs.getString("format"))).append(' ').append(width)
                        .append('×').append(height).append(" · decode ").append(rs.getLong("decode_ms")).append(" ms, preprocess ")
                        .append(rs.getLong("preprocess_ms")).append(" ms, OCR <span id=\"ocr-ms\">").append(rs.getLong("ocr_ms")).append("</span> ms</p>\n");
                b.append("<div class=\"ocr\">");
                if (rs.getBoolean(15)) {
                    b.append("<div class=\"ocr-image\" id=\"ocr-image\" data-width=\"").append(width).append("\" data-height=\"").append(height)
                            .append("\"><img src=\"/images/").append(escape(q(crawl))).append('/').append(escape(q(hash))).append("/raw\" alt=\"the image\">")
                            .append(boxes(words, width, height)).append("</div>");
                } else {
                    b.append("<p id=\"not-kept\">The image is not kept (larger than the crawl's image copy cap, or kept none).</p>")
                            .append(boxes(words, width, height));
                }
            } catch (java.io.IOException e) {
                throw new SQLException("Unreadable words of image " + hash + ": " + e.getMessage(), e);
            }
        }
        b.append("<pre id=\"ocr-text\">").append(escape(text)).append("</pre></div>\n<h2>Pages it appears on</h2><ul id=\"pages\">");
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT DISTINCT p.url FROM images i JOIN page_images pi ON pi.crawl_id = i.crawl_id AND pi.image_url_hash = i.url_hash
                JOIN pages p ON p.crawl_id = pi.crawl_id AND p.url_hash = pi.page_url_hash
                WHERE i.crawl_id = ? AND i.content_hash = ? ORDER BY p.url LIMIT 500""")) {
            ps.setString(1, crawl);
            ps.setString(2, hash);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    b.append("<li>").append(local("/urls?u=" + q(rs.getString(1)), rs.getString(1))).append("</li>");
                }
            }
        }
        return Optional.of(Html.page("Image " + hash, b.append("</ul>").toString()));
    }

    /** Each word's box in image pixels, in an SVG scaled with the image; coloured by confidence. */
    private static String boxes(JsonNode words, int width, int height) {
        StringBuilder b = new StringBuilder("<svg id=\"word-boxes\" viewBox=\"0 0 ").append(Math.max(width, 1)).append(' ').append(Math.max(height, 1))
                .append("\" preserveAspectRatio=\"none\" data-words=\"").append(words.size()).append("\">");
        for (JsonNode w : words) {
            double conf = w.path("confidence").asDouble();
            String colour = conf >= 85 ? "#2ca02c" : conf >= 60 ? "#ff7f0e" : "#d62728";
            int x = w.path("x").asInt();
            int y = w.path("y").asInt();
            int ww = w.path("width").asInt();
            int h = w.path("height").asInt();
            b.append("<rect class=\"word-box\" data-word=\"").append(escape(w.path("text").asText())).append("\" data-confidence=\"")
                    .append(String.format(Locale.ROOT, "%.1f", conf)).append("\" data-box=\"").append(x).append(',').append(y).append(',').append(ww)
                    .append(',').append(h).append("\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(ww).append("\" height=\"")
                    .append(h).append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"><title>")
                    .append(escape(w.path("text").asText())).append(String.format(Locale.ROOT, " (%.0f)", conf)).append("</title></rect>");
        }
        return b.append("</svg>").toString();
    }

    /** The kept copy of an image, or empty when none is kept. */
    Optional<Raw> raw(Connection db, String crawl, String hash) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT content_type, bytes FROM image_copies WHERE crawl_id = ? AND content_hash = ?")) {
            ps.setString(1, crawl);
            ps.setString(2, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Raw(rs.getString(1), rs.getBytes(2))) : Optional.empty();
            }
        }
    }

    String search(Connection db, String text) throws SQLException {
        StringBuilder b = new StringBuilder("<ol id=\"results\">");
        List<SearchCommand.Hit> hits = text == null || text.isBlank() ? List.of() : SearchCommand.search(db, text, null, 50);
        for (SearchCommand.Hit h : hits) {
            boolean pdf = h.kind().equals("pdf");
            // a PDF page's hit leads to the PDF's history (its pages and result); its own URL opens the page in the PDF
            String target = h.contentHash() == null ? "/urls?u=" + q(h.url())
                    : pdf ? "/urls?u=" + q(h.url().replaceFirst("#page=\\d+$", ""))
                    : "/images/" + q(h.crawlId()) + "/" + q(h.contentHash());
            b.append("<li class=\"hit\" data-kind=\"").append(escape(h.kind())).append("\">").append(escape(h.kind())).append(' ')
                    .append(local(target, h.url())).append(" <small>").append(escape(h.crawlId())).append(String.format(Locale.ROOT, " %.3f", h.rank()))
                    .append("</small>");
            if (h.pageUrl() != null) {
                b.append(" on ").append(local("/urls?u=" + q(h.pageUrl()), h.pageUrl()));
            }
            if (pdf) {
                b.append(" ").append(link(h.url(), "open the page"));
            }
            b.append("<br><span class=\"snippet\">").append(highlight(h.snippet())).append("</span></li>\n");
        }
        b.append("</ol>");
        if (text != null && !text.isBlank() && hits.isEmpty()) {
            b.append("<p>No matches.</p>");
        }
        return Html.page("Search" + (text == null || text.isBlank() ? "" : ": " + text), b.toString());
    }

    /** The snippet escaped, with its matched words in {@code <mark>}. */
    static String highlight(String snippet) {
        return escape(snippet).replace(String.valueOf(SearchCommand.START), "<mark>").replace(String.valueOf(SearchCommand.STOP), "</mark>");
    }

    /** A URL's history ({@code crawlctl url}), or a page saying why there is none. */
    String url(Connection db, String url) throws SQLException {
        if (url == null || url.isBlank()) {
            return Html.page("URL history", "<p>Give a URL.</p>");
        }
        Optional<String> normalized = UrlHistory.normalize(url);
        if (normalized.isEmpty()) {
            return Html.page("URL history", "<p>Not an absolute http(s) URL: " + escape(url) + "</p>");
        }
        List<UrlHistory.Section> history = UrlHistory.of(db, normalized.get(), null);
        StringBuilder b = new StringBuilder("<p id=\"url\">").append(link(normalized.get(), normalized.get())).append("</p>\n");
        if (history.isEmpty()) {
            b.append("<p>No crawl has seen this URL.</p>");
        }
        for (UrlHistory.Section s : history) {
            b.append("<h2>").append(escape(s.title())).append("</h2>\n");
            for (Map<String, Object> row : s.rows()) {
                b.append("<table class=\"history\">");
                row.forEach((label, v) -> b.append("<tr><th>").append(escape(label)).append("</th><td>").append(cell(label, v, row)).append("</td></tr>"));
                b.append("</table>\n");
            }
        }
        return Html.page("URL history", b.toString());
    }

    /** A history value: URLs as console links, content hashes as links to the image view, the rest as text. */
    private static String cell(String label, Object v, Map<String, Object> row) {
        String s = v.toString();
        return switch (label) {
            case "discovered_from", "redirect_to", "image_url" -> local("/urls?u=" + q(s), s);
            case "content_hash" -> row.containsKey("crawl_id") ? local("/images/" + q(row.get("crawl_id").toString()) + "/" + q(s), s) : escape(s);
            default -> escape(s);
        };
    }

    private static int percent(StatusCommand.CrawlStatus c) {
        return c.total() == 0 ? 0 : (int) (100 * (c.total() - c.pending()) / c.total());
    }

    private static String progress(StatusCommand.CrawlStatus c) {
        int pct = percent(c);
        return "<span class=\"bar\"><span data-field=\"progressBar\" style=\"width:" + pct + "%\"></span></span> <span data-field=\"progress\">" + pct
                + "</span>%";
    }
}
