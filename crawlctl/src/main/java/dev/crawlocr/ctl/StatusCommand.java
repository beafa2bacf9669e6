package dev.crawlocr.ctl;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.ConsumerLag;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code crawlctl status [ID] [--watch]}: per-crawl URL counts, rates, progress and each group's lag. */
@Command(name = "status", description = "Show crawls' progress and the consumer groups' lag.")
final class StatusCommand implements Callable<Integer> {
    static final Map<String, List<String>> GROUPS = Map.of(
            Topics.GROUP_FETCHER, List.of(Topics.FRONTIER),
            Topics.GROUP_ANALYZER, List.of(Topics.IMAGES),
            Topics.GROUP_WRITER, List.of(Topics.DISCOVERED, Topics.PAGES, Topics.OCR, Topics.IMAGES));

    @ParentCommand
    Crawlctl root;
    @Parameters(paramLabel = "ID", arity = "0..1", description = "A crawl id (default: every crawl)")
    String crawlId;
    @Option(names = {"-w", "--watch"}, description = "Refresh every --interval until the crawl finishes")
    boolean watch;
    @Option(names = "--interval", defaultValue = "2", description = "Seconds between refreshes with --watch (default ${DEFAULT-VALUE})")
    int interval;

    /** The key of {@link CrawlStatus#dropped} for URLs robots.txt disallowed (DENIED outcomes naming it). */
    static final String ROBOTS = "robots.txt";

    /** The guards the {@code dropped} line names, in its order, with the category of dropped links each one counts. */
    private enum Guard {
        LINK_CAP("outlink-cap", "by the per-page link cap"),
        TRAP("trap", "by the trap guard"),
        SCOPE(null, "out of scope"),
        NOFOLLOW("nofollow", "on nofollow pages"),
        FOLLOW_NONE("follow-none", "not followed (the crawl follows no links)"),
        ROBOTS_TXT(ROBOTS, "disallowed by robots.txt");

        final String category;
        final String words;

        Guard(String category, String words) {
            this.category = category;
            this.words = words;
        }

        /**
         * The guard that counts a category: the fetcher's scope categories (host, depth, include, exclude, extension,
         * ...) are SCOPE; null for links that are no http(s) URL at all (mailto:, javascript:), which are not shown.
         */
        static Guard of(String category) {
            if (category.equals("invalid")) {
                return null;
            }
            return Arrays.stream(values()).filter(g -> category.equals(g.category)).findFirst().orElse(SCOPE);
        }
    }

    /**
     * One crawl's row counts. {@code urls} maps URL status to count.
     *
     * @param maxRequests the crawl's request budget (0: none); {@code requestsCharged} the part spent or held by leases
     * @param crawlRate   the crawl's contract for all of its hosts: requests per second (0: none) and connections (0:
     *                    none); {@code responseRate} responses per second to compare with it: over the last 10 s while
     *                    the crawl runs, else over the crawl
     * @param dropped     links its pages did not follow, summed over its pages by the fetcher's category ("outlink-cap",
     *                    "trap", "host", ...), and {@link #ROBOTS}: its URLs that robots.txt disallowed
     * @param sources     its URLs by how they were discovered: seed, link, sitemap
     * @param sitemaps    the sitemaps its fetchers read, in URL order
     * @param recrawl     the cycles of a crawl with a recrawl interval; null for one without
     */
    record CrawlStatus(String id, String state, Map<String, Long> urls, long pages, long images, long ocrOk, long ocrFailed, long pagesLastMinute,
                       long maxRequests, long requestsCharged, double crawlRate, int crawlConnections, double responseRate,
                       Map<String, Long> dropped, Map<String, Long> sources, List<Sitemap> sitemaps, Recrawl recrawl) {
        long total() {
            return urls.values().stream().mapToLong(Long::longValue).sum();
        }

        long pending() {
            return urls.getOrDefault("QUEUED", 0L) + urls.getOrDefault("LEASED", 0L);
        }
    }

    /** One row of {@code sitemaps}: a sitemap a seed's fetch read, what came of it, and the URLs it listed and gave. */
    record Sitemap(String url, String status, int found, int accepted, String reason) {
    }

    /** Sitemap rows {@link #render} lists one by one; the rest are only counted. */
    static final int SITEMAPS_LISTED = 10;

    /**
     * A recrawling crawl's cycles: the current one and how many of its URLs have an outcome in it, and the last
     * completed one's counts ({@code new, changed, unchanged, gone, failed}; empty before the first completes).
     */
    record Recrawl(long intervalSeconds, int cycle, long fetched, long urls, int lastCycle, String lastCompletedAt, Map<String, Long> last) {
    }

    @Override
    public Integer call() throws Exception {
        try (Connection db = root.db(); Admin admin = Kafka.admin(root.kafkaConfig())) {
            root.checkSameCluster(admin);
            while (true) {
                List<CrawlStatus> crawls = crawls(db, crawlId);
                StringBuilder screen = new StringBuilder();
                if (crawlId != null && crawls.isEmpty()) {
                    new CrawlJobs(root.kafkaConfig()).find(crawlId); // throws when no such crawl was started
                    screen.append("crawl ").append(crawlId).append("  STARTING (no writer has registered it yet)\n\n");
                }
                crawls.forEach(c -> screen.append(render(c)));
                screen.append(lags(admin));
                PrintStream out = System.out;
                if (watch) {
                    out.print("\033[H\033[2J");
                }
                out.print(screen);
                out.flush();
                boolean finished = crawlId != null && !crawls.isEmpty() && crawls.stream().allMatch(c -> !c.state().equals("RUNNING"));
                if (!watch || finished) {
                    return 0;
                }
                Thread.sleep(interval * 1000L);
            }
        }
    }

    static List<CrawlStatus> crawls(Connection db, String crawlId) throws SQLException {
        List<CrawlStatus> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT c.id, c.state,
                  (SELECT count(*) FROM pages p WHERE p.crawl_id = c.id AND p.status = 'FETCHED'),
                  (SELECT count(*) FROM images i WHERE i.crawl_id = c.id AND i.status = 'FETCHED'),
                  (SELECT count(*) FROM ocr_results o WHERE o.crawl_id = c.id AND o.status = 'OK'),
                  (SELECT count(*) FROM ocr_results o WHERE o.crawl_id = c.id AND o.status = 'FAILED'),
                  (SELECT count(*) FROM pages p WHERE p.crawl_id = c.id AND p.fetched_at > now() - interval '1 minute'),
                  coalesce((c.politeness->>'maxRequestsTotal')::bigint, 0),
                  (SELECT coalesce(sum(u.requests_charged), 0) FROM url_usage u WHERE u.crawl_id = c.id),
                  coalesce((c.politeness->>'crawlRatePerSecond')::float8, 0), coalesce((c.politeness->>'crawlConnections')::int, 0),
                  (SELECT CASE WHEN c.state = 'RUNNING' THEN count(*) FILTER (WHERE r.fetched_at > now() - interval '10 seconds') / 10.0
                               ELSE count(*) / greatest(extract(epoch FROM max(r.fetched_at) - min(r.fetched_at)), 1) END
                   FROM (SELECT fetched_at FROM pages WHERE crawl_id = c.id AND http_status > 0
                         UNION ALL SELECT fetched_at FROM images WHERE crawl_id = c.id AND http_status > 0) r),
                  c.recrawl_interval_s, c.cycle
                FROM crawls c WHERE (?::text IS NULL OR c.id = ?) ORDER BY c.created_at""")) {
            ps.setString(1, crawlId);
            ps.setString(2, crawlId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CrawlStatus(rs.getString(1), rs.getString(2), urlCounts(db, rs.getString(1)), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getDouble(10), rs.getInt(11),
                            rs.getDouble(12), droppedLinks(db, rs.getString(1)), sources(db, rs.getString(1)), sitemaps(db, rs.getString(1)),
                            rs.getLong(13) > 0 ? recrawl(db, rs.getString(1), rs.getLong(13), rs.getInt(14)) : null));
                }
            }
        }
        return out;
    }

    private static Recrawl recrawl(Connection db, String crawl, long intervalSeconds, int cycle) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT count(*) FILTER (WHERE u.cycle >= ? AND u.status NOT IN ('QUEUED', 'LEASED')), count(*),
                       l.cycle, to_char(l.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"'),
                       l.new, l.changed, l.unchanged, l.gone, l.failed
                FROM urls u
                LEFT JOIN LATERAL (SELECT * FROM crawl_cycles y WHERE y.crawl_id = ? ORDER BY y.cycle DESC LIMIT 1) l ON true
                WHERE u.crawl_id = ?
                GROUP BY l.cycle, l.completed_at, l.new, l.changed, l.unchanged, l.gone, l.failed""")) {
            ps.setInt(1, cycle);
            ps.setString(2, crawl);
            ps.setString(3, crawl);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Recrawl(intervalSeconds, cycle, 0, 0, 0, null, Map.of());
                }
                Map<String, Long> last = new LinkedHashMap<>();
                if (rs.getString(4) != null) {
                    List<String> names = List.of("new", "changed", "unchanged", "gone", "failed");
                    for (int i = 0; i < names.size(); i++) {
                        last.put(names.get(i), rs.getLong(5 + i));
                    }
                }
                return new Recrawl(intervalSeconds, cycle, rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), last);
            }
        }
    }

    private static Map<String, Long> urlCounts(Connection db, String crawl) throws SQLException {
        return counts(db, "SELECT status, count(*) FROM urls WHERE crawl_id = ? GROUP BY status ORDER BY status", crawl);
    }

    private static Map<String, Long> sources(Connection db, String crawl) throws SQLException {
        return counts(db, """
                SELECT coalesce(discovery, 'unknown'), count(*) FROM urls WHERE crawl_id = ? GROUP BY 1
                ORDER BY array_position(ARRAY['seed', 'link', 'sitemap'], coalesce(discovery, 'unknown'))""", crawl);
    }

    private static List<Sitemap> sitemaps(Connection db, String crawl) throws SQLException {
        List<Sitemap> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT url, status, found, accepted, reason FROM sitemaps WHERE crawl_id = ? ORDER BY url")) {
            ps.setString(1, crawl);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Sitemap(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /**
     * "found    seed 1  link 12  sitemap 30", then "sitemaps 3: READ 2 ABSENT 1; 42 URLs listed, 30 taken" and a line
     * per sitemap (the first {@value #SITEMAPS_LISTED}); "" for a crawl without URLs or sitemaps.
     */
    static String sourcesLines(CrawlStatus c) {
        StringBuilder b = new StringBuilder();
        if (!c.sources().isEmpty()) {
            b.append("  found   ");
            c.sources().forEach((k, v) -> b.append(' ').append(k).append(' ').append(v).append(' '));
            b.setLength(b.length() - 1);
            b.append('\n');
        }
        if (c.sitemaps().isEmpty()) {
            return b.toString();
        }
        Map<String, Long> byStatus = new LinkedHashMap<>();
        c.sitemaps().forEach(s -> byStatus.merge(s.status(), 1L, Long::sum));
        b.append("  sitemaps ").append(c.sitemaps().size()).append(':');
        byStatus.forEach((k, v) -> b.append(' ').append(k).append(' ').append(v));
        b.append(String.format(Locale.ROOT, "; %,d URLs listed, %,d taken%n", c.sitemaps().stream().mapToLong(Sitemap::found).sum(),
                c.sitemaps().stream().mapToLong(Sitemap::accepted).sum()));
        c.sitemaps().stream().limit(SITEMAPS_LISTED).forEach(s -> b.append(String.format(Locale.ROOT, "    %-9s %s  %d listed, %d taken%s%n",
                s.status(), s.url(), s.found(), s.accepted(), s.reason() == null ? "" : " (" + s.reason() + ")")));
        if (c.sitemaps().size() > SITEMAPS_LISTED) {
            b.append("    ... and ").append(c.sitemaps().size() - SITEMAPS_LISTED).append(" more\n");
        }
        return b.toString();
    }

    /** The crawl's pages' dropped links by category, and its URLs robots.txt disallowed (the fetcher's DENIED reason). */
    private static Map<String, Long> droppedLinks(Connection db, String crawl) throws SQLException {
        return counts(db, """
                SELECT d.key, sum(d.value::bigint) FROM pages p, jsonb_each_text(p.dropped_links) d WHERE p.crawl_id = ? GROUP BY d.key
                UNION ALL
                SELECT ?, count(*) FROM (SELECT reason FROM pages WHERE crawl_id = ? AND status = 'DENIED'
                                         UNION ALL SELECT reason FROM images WHERE crawl_id = ? AND status = 'DENIED') denied
                WHERE reason LIKE 'robots.txt disallows %'""", crawl, ROBOTS, crawl, crawl);
    }

    /** A query's (name, count) rows in their order; {@code params} fill its placeholders. */
    private static Map<String, Long> counts(Connection db, String sql, String... params) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    /**
     * "dropped  2,000 links by the per-page link cap, 12 by the trap guard, 300 out of scope", or "" when nothing was
     * dropped.
     */
    static String droppedLine(Map<String, Long> dropped) {
        Map<Guard, Long> byGuard = new EnumMap<>(Guard.class);
        dropped.forEach((category, n) -> {
            Guard g = Guard.of(category);
            if (g != null && n > 0) {
                byGuard.merge(g, n, Long::sum);
            }
        });
        List<String> parts = new ArrayList<>();
        byGuard.forEach((g, n) -> {
            String noun = !parts.isEmpty() ? "" : n == 1 ? " link" : " links";
            parts.add(String.format(Locale.ROOT, "%,d%s %s", n, noun, g.words));
        });
        return parts.isEmpty() ? "" : "  dropped  " + String.join(", ", parts) + "\n";
    }

    static String render(CrawlStatus c) {
        StringBuilder b = new StringBuilder();
        b.append("crawl ").append(c.id()).append("  ").append(c.state()).append('\n');
        b.append("  urls     ");
        c.urls().forEach((k, v) -> b.append(k).append(' ').append(v).append("  "));
        b.append("(total ").append(c.total()).append(")\n");
        b.append("  stored   pages ").append(c.pages()).append("  images ").append(c.images()).append("  ocr ").append(c.ocrOk())
                .append(c.ocrFailed() > 0 ? "  ocr failed " + c.ocrFailed() : "").append('\n');
        b.append(droppedLine(c.dropped()));
        b.append(sourcesLines(c));
        b.append("  rate     ").append(c.pagesLastMinute()).append(" fetch outcomes in the last minute\n");
        if (c.crawlRate() > 0 || c.crawlConnections() > 0) {
            b.append(contractLine(c));
        }
        if (c.recrawl() != null) {
            b.append(recrawlLine(c.recrawl()));
        }
        if (c.maxRequests() > 0) {
            b.append("  budget   ").append(c.requestsCharged()).append(" of ").append(c.maxRequests())
                    .append(" requests spent or held by leases\n");
        }
        long done = c.total() - c.pending();
        int pct = c.total() == 0 ? 0 : (int) (100 * done / c.total());
        int filled = pct / 4;
        b.append("  progress [").append("#".repeat(filled)).append(".".repeat(25 - filled)).append("] ").append(pct).append("% (")
                .append(done).append('/').append(c.total()).append(")\n\n");
        return b.toString();
    }

    /**
     * "recrawl  every 3600 s; cycle 3: 40 of 100 URLs fetched; cycle 2 completed 2026-12-01 10:00:00Z: 2 new, 5 changed,
     * 90 unchanged, 3 gone, 0 failed".
     */
    static String recrawlLine(Recrawl r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  recrawl  every %d s; cycle %d: %d of %d URLs fetched",
                r.intervalSeconds(), r.cycle(), r.fetched(), r.urls()));
        if (r.lastCompletedAt() != null) {
            b.append("; cycle ").append(r.lastCycle()).append(" completed ").append(r.lastCompletedAt()).append(": ");
            List<String> parts = new ArrayList<>();
            r.last().forEach((k, v) -> parts.add(v + " " + k));
            b.append(String.join(", ", parts));
        }
        return b.append('\n').toString();
    }

    /** "contract 50/s and 8 connections across its hosts; last 10 s: 48.6 responses/s, 97% of the rate". */
    static String contractLine(CrawlStatus c) {
        List<String> terms = new ArrayList<>();
        if (c.crawlRate() > 0) {
            terms.add(String.format(Locale.ROOT, "%.4g/s", c.crawlRate()));
        }
        if (c.crawlConnections() > 0) {
            terms.add(c.crawlConnections() + (c.crawlConnections() == 1 ? " connection" : " connections"));
        }
        double rate = c.responseRate();
        String measured = String.format(Locale.ROOT, "%s: %.1f responses/s", c.state().equals("RUNNING") ? "last 10 s" : "over the crawl", rate)
                + (c.crawlRate() > 0 ? String.format(Locale.ROOT, ", %.0f%% of the rate", 100 * rate / c.crawlRate()) : "");
        return "  contract " + String.join(" and ", terms) + " across its hosts; " + measured + "\n";
    }

    static String lags(Admin admin) throws Exception {
        StringBuilder b = new StringBuilder("consumer lag\n");
        ConsumerLag lag = new ConsumerLag(admin);
        for (String group : List.of(Topics.GROUP_FETCHER, Topics.GROUP_ANALYZER, Topics.GROUP_WRITER)) {
            lag.byTopic(group, GROUPS.get(group))
                    .forEach((topic, behind) -> b.append(String.format("  %-18s %-18s %d%n", group, topic, behind)));
        }
        return b.toString();
    }
}
