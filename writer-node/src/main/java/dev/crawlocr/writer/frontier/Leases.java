package dev.crawlocr.writer.frontier;

import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.writer.db.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leases due URLs in one transaction. Due means {@code next_fetch_at <= now()} in a RUNNING crawl: new URLs,
 * URLs whose lease expired (while LEASED, next_fetch_at is the lease end), retries and recrawls. Each running crawl
 * gets its share of the round, and within a crawl the hosts are served in turn: a cursor per crawl walks the hosts
 * that have due URLs ({@value #HOSTS_PER_ROUND} a round, in host order, wrapping around), and each host gets up to
 * its {@link HostWindow} (from the crawl's politeness) minus its unexpired leases. So no crawl's backlog, and no
 * host's, holds up another's, and a round reads the hosts it serves, not the registry: its cost does not grow with
 * the number of URLs. Rows are locked as they are read ({@code FOR UPDATE SKIP LOCKED}), so several writers never
 * lease one URL twice.
 *
 * <p>Crawls with page caps or a request budget are locked first ({@code FOR UPDATE} on their {@code crawls} row,
 * in id order), so the writers lease their URLs one round at a time and each round sees the others' leases;
 * {@link CrawlLimits} then decides each URL from the crawl's usage ({@link UrlUsage}, kept as URLs change): leased,
 * refused (returned as a DENIED outcome, leased so that no round takes it again before the outcome is recorded), or
 * left to wait ({@value #WAIT_SECONDS} s, so that it leaves the head of its host's queue).
 *
 * <p>Not thread-safe: one scheduler thread leases through an instance (its host cursors are its own).
 */
public final class Leases {
    static final int WAIT_SECONDS = 2;
    /** Hosts of one crawl looked at in a round at most. */
    static final int HOSTS_PER_ROUND = 256;

    private static final String RUNNING = "SELECT id, politeness::text FROM crawls WHERE state = 'RUNNING' ORDER BY id";

    /** The next hosts after a cursor, in host order, that have a due URL: a skip scan of the crawl's host index. */
    private static final String HOSTS = """
            WITH RECURSIVE h(host) AS (
                (SELECT u.host FROM urls u
                 WHERE u.crawl_id = ? AND u.host > ? AND u.next_fetch_at <= now() AND (? OR u.status <> 'LEASED')
                 ORDER BY u.host LIMIT 1)
                UNION ALL
                SELECT (SELECT u.host FROM urls u
                        WHERE u.crawl_id = ? AND u.host > h.host AND u.next_fetch_at <= now() AND (? OR u.status <> 'LEASED')
                        ORDER BY u.host LIMIT 1)
                FROM h WHERE h.host IS NOT NULL
            )
            SELECT host FROM h WHERE host IS NOT NULL LIMIT ?""";

    /** Unexpired leases of a crawl. */
    private static final String CRAWL_LEASED = "SELECT count(*) FROM urls WHERE crawl_id = ? AND status = 'LEASED' AND next_fetch_at > now()";

    /** Unexpired leases of some hosts of a crawl. */
    private static final String LEASED = """
            SELECT host, count(*) FROM urls
            WHERE crawl_id = ? AND host = ANY (?) AND status = 'LEASED' AND next_fetch_at > now()
            GROUP BY host""";

    /**
     * Up to {@code room} due URLs of each host, oldest first, locked as they are read (rows another writer holds are
     * skipped, and a row changed since the statement began is checked again); of those, the crawl's share by turns:
     * every host's first, then every host's second...
     */
    private static final String DUE = """
            WITH cand AS (
                SELECT d.*, row_number() OVER (PARTITION BY d.host ORDER BY d.next_fetch_at) AS turn
                FROM unnest(?::text[], ?::int[]) AS h(host, room)
                CROSS JOIN LATERAL (
                    SELECT u.crawl_id, u.url_hash, u.url, u.host, u.kind, u.depth, u.attempts, u.status, u.next_fetch_at,
                           u.etag, u.last_modified, u.content_hash FROM urls u
                    WHERE u.crawl_id = ? AND u.host = h.host AND u.next_fetch_at <= now() AND (? OR u.status <> 'LEASED')
                    ORDER BY u.next_fetch_at
                    LIMIT h.room
                    FOR UPDATE SKIP LOCKED) d
            )
            SELECT crawl_id, url_hash, url, host, kind, depth, attempts, status, etag, last_modified, content_hash
            FROM cand ORDER BY turn, next_fetch_at LIMIT ?""";

    private static final String LIMITED_CRAWLS = """
            SELECT id, max_pages, max_pages_per_host, max_requests, ignore_robots FROM (
                SELECT id, coalesce((scope->>'maxPages')::bigint, 0) AS max_pages,
                       coalesce((scope->>'maxPagesPerHost')::bigint, 0) AS max_pages_per_host,
                       coalesce((politeness->>'maxRequestsTotal')::bigint, 0) AS max_requests,
                       coalesce((request->>'ignoreRobots')::boolean, false) AS ignore_robots
                FROM crawls WHERE state = 'RUNNING') c
            WHERE max_pages > 0 OR max_pages_per_host > 0 OR max_requests > 0
            ORDER BY id
            FOR UPDATE""";

    /** Leases URLs of one crawl: their hashes and the request allowance charged to each. */
    private static final String LEASE = """
            UPDATE urls u SET status = 'LEASED', attempts = u.attempts + 1, lease_until = ?, next_fetch_at = ?,
                              requests_charged = u.requests_charged + l.allowance
            FROM unnest(?::bytea[], ?::int[]) AS l(url_hash, allowance)
            WHERE u.crawl_id = ? AND u.url_hash = l.url_hash""";

    private static final String WAIT = "UPDATE urls SET next_fetch_at = now() + ? * interval '1 second' WHERE crawl_id = ? AND url_hash = ANY (?)";

    /**
     * One round: the tasks to emit, the URLs refused by page caps or the request budget (DENIED outcomes to
     * record), how many tasks were re-emits after an expired lease, how many URLs were left to wait, and which of the
     * round's crawls have a crawl-wide contract (their tasks are keyed by crawl id, see {@link FetchTask}).
     */
    public record Round(List<FetchTask> tasks, List<FetchResult> denied, int expired, int waiting, Set<String> crawlWide) {

        /** The key of the task on {@code crawl.frontier}. */
        public String key(FetchTask task) {
            return crawlWide.contains(task.crawlId()) ? task.crawlId() : task.host();
        }
    }

    /** A due URL; a fetched one with the validators and content hash of its last fetch, for a conditional GET. */
    private record Due(String crawlId, byte[] urlHash, String url, String host, UrlKind kind, int depth, int attempts,
                       String status, String etag, String lastModified, String contentHash) {

        /** A page that holds no place under the page caps yet. */
        boolean newPage() {
            return kind == UrlKind.PAGE && !status.equals("LEASED") && !status.equals("FETCHED") && !status.equals("FETCH_ERROR");
        }
    }

    /** The URLs of one crawl leased in a round, and the request allowance charged to each. */
    private record Leased(List<byte[]> hashes, List<Integer> allowances) {
    }

    /**
     * A running crawl, how many unexpired leases each of its hosts may have, and how many all of them together
     * (0: no limit; see {@link HostWindow#ofCrawl}).
     */
    private record Running(String id, int window, int crawlWindow) {
    }

    private final Database db;
    /** Per crawl, the last host served: the next round starts after it. */
    private final Map<String, String> cursors = new HashMap<>();
    private int turn;

    public Leases(Database db) {
        this.db = db;
    }

    /** A round that also reclaims expired leases. */
    public Round lease(int batch, Duration lease) throws SQLException {
        return lease(batch, lease, true);
    }

    /**
     * @param batch          URLs leased in this round at most, shared among the running crawls
     * @param lease          how long the fetcher has for each URL
     * @param reclaimExpired whether URLs whose lease expired are leased again in this round; the scheduler holds
     *                       them back while outcomes wait unrecorded on {@code crawl.pages}, since those outcomes
     *                       may well be theirs
     */
    public Round lease(int batch, Duration lease, boolean reclaimExpired) throws SQLException {
        long until = Instant.now().plus(lease).toEpochMilli();
        OffsetDateTime untilTs = OffsetDateTime.ofInstant(Instant.ofEpochMilli(until), ZoneOffset.UTC);
        return db.inTransaction("lease", c -> {
            Map<String, CrawlLimits.Limits> limits = limitedCrawls(c);
            List<Running> running = running(c);
            Set<String> crawlWide = new HashSet<>();
            running.stream().filter(r -> r.crawlWindow() > 0).forEach(r -> crawlWide.add(r.id()));
            List<Due> due = due(c, running, batch, reclaimExpired);
            CrawlLimits decisions = limits.isEmpty() ? new CrawlLimits(Map.of(), Map.of(), Map.of()) : usage(c, limits, due);
            List<FetchTask> tasks = new ArrayList<>();
            List<FetchResult> denied = new ArrayList<>();
            Map<String, Leased> leased = new LinkedHashMap<>();
            Map<String, List<byte[]>> waits = new LinkedHashMap<>();
            int expired = 0;
            for (Due d : due) {
                CrawlLimits.Decision decision = decisions.decide(d.crawlId, d.host, d.newPage());
                if (decision instanceof CrawlLimits.Wait) {
                    waits.computeIfAbsent(d.crawlId, k -> new ArrayList<>()).add(d.urlHash);
                    continue;
                }
                int allowance = decision instanceof CrawlLimits.Lease l ? l.maxRequests() : 0;
                Leased l = leased.computeIfAbsent(d.crawlId, k -> new Leased(new ArrayList<>(), new ArrayList<>()));
                l.hashes().add(d.urlHash);
                l.allowances().add(allowance);
                FetchTask task = new FetchTask(FetchTask.SCHEMA, d.crawlId, d.url, d.host, d.kind, d.depth, d.attempts + 1, until, allowance,
                        d.etag, d.lastModified, d.contentHash);
                if (decision instanceof CrawlLimits.Deny deny) {
                    denied.add(FetchResult.failure(task, FetchStatus.DENIED, 0, deny.reason(), null, 0));
                } else {
                    tasks.add(task);
                    expired += d.status.equals("LEASED") ? 1 : 0;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(LEASE)) {
                for (Map.Entry<String, Leased> crawl : leased.entrySet()) {
                    ps.setObject(1, untilTs);
                    ps.setObject(2, untilTs);
                    ps.setArray(3, c.createArrayOf("bytea", crawl.getValue().hashes().toArray(byte[][]::new)));
                    ps.setArray(4, c.createArrayOf("int4", crawl.getValue().allowances().toArray()));
                    ps.setString(5, crawl.getKey());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(WAIT)) {
                for (Map.Entry<String, List<byte[]>> crawl : waits.entrySet()) {
                    ps.setInt(1, WAIT_SECONDS);
                    ps.setString(2, crawl.getKey());
                    ps.setArray(3, c.createArrayOf("bytea", crawl.getValue().toArray(byte[][]::new)));
                    ps.executeUpdate();
                }
            }
            return new Round(tasks, denied, expired, waits.values().stream().mapToInt(List::size).sum(), crawlWide);
        });
    }

    /** Folds the usage rows of crawls that have many (see {@link UrlUsage#fold}); returns how many crawls were folded. */
    public int foldUsage() throws SQLException {
        return db.inTransaction("fold usage", UrlUsage::fold);
    }

    private static Map<String, CrawlLimits.Limits> limitedCrawls(Connection c) throws SQLException {
        Map<String, CrawlLimits.Limits> limits = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LIMITED_CRAWLS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                limits.put(rs.getString(1), new CrawlLimits.Limits(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getBoolean(5) ? 1 : CrawlLimits.REQUESTS_PER_LEASE));
            }
        }
        return limits;
    }

    /** This round's URLs: each running crawl in turn gets its share, and its hosts in turn their room. */
    private List<Due> due(Connection c, List<Running> running, int batch, boolean reclaimExpired) throws SQLException {
        if (running.isEmpty()) {
            return List.of();
        }
        List<Due> due = new ArrayList<>();
        int share = Math.max(1, (batch + running.size() - 1) / running.size());
        int first = Math.floorMod(turn++, running.size()); // a different crawl goes first each round
        for (int i = 0; i < running.size() && due.size() < batch; i++) {
            Running crawl = running.get((first + i) % running.size());
            due.addAll(dueOf(c, crawl, Math.min(share, batch - due.size()), reclaimExpired));
        }
        return due;
    }

    /** Up to {@code share} due URLs of the crawl's next hosts after its cursor, each host up to its room. */
    private List<Due> dueOf(Connection c, Running crawl, int share, boolean reclaimExpired) throws SQLException {
        if (crawl.crawlWindow() > 0) {
            share = (int) Math.min(share, crawl.crawlWindow() - UrlUsage.count(c, CRAWL_LEASED, crawl.id()));
            if (share <= 0) {
                return List.of();
            }
        }
        int want = Math.min(HOSTS_PER_ROUND, share); // so that each host looked at can get a URL
        String cursor = cursors.getOrDefault(crawl.id(), "");
        List<String> hosts = hosts(c, crawl.id(), cursor, want, reclaimExpired);
        if (hosts.size() < want && !cursor.isEmpty()) { // wrap around to the hosts before the cursor
            hosts.addAll(hosts(c, crawl.id(), "", want - hosts.size(), reclaimExpired).stream().filter(h -> !hosts.contains(h)).toList());
        }
        if (hosts.isEmpty()) {
            return List.of();
        }
        cursors.put(crawl.id(), hosts.getLast());
        Map<String, Integer> leased = leased(c, crawl.id(), hosts);
        List<String> served = new ArrayList<>();
        List<Integer> rooms = new ArrayList<>();
        for (String host : hosts) {
            int room = crawl.window() - leased.getOrDefault(host, 0);
            if (room > 0) {
                served.add(host);
                rooms.add(room);
            }
        }
        if (served.isEmpty()) {
            return List.of();
        }
        // by turns, the share needs no more than an even part of it from any host: read no more candidates than that
        int part = (share + served.size() - 1) / served.size();
        rooms.replaceAll(room -> Math.min(room, part));
        List<Due> due = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DUE)) {
            ps.setArray(1, c.createArrayOf("text", served.toArray()));
            ps.setArray(2, c.createArrayOf("int4", rooms.toArray()));
            ps.setString(3, crawl.id());
            ps.setBoolean(4, reclaimExpired);
            ps.setInt(5, share);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getString(1), rs.getBytes(2), rs.getString(3), rs.getString(4), UrlKind.valueOf(rs.getString(5)),
                            rs.getInt(6), rs.getInt(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11)));
                }
            }
        }
        return due;
    }

    private static List<Running> running(Connection c) throws SQLException {
        List<Running> running = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RUNNING); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Politeness p = Json.decode(rs.getString(2).getBytes(StandardCharsets.UTF_8), Politeness.class);
                running.add(new Running(rs.getString(1), HostWindow.of(p), HostWindow.ofCrawl(p)));
            }
        }
        return running;
    }

    private static List<String> hosts(Connection c, String crawlId, String after, int limit, boolean reclaimExpired) throws SQLException {
        List<String> hosts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(HOSTS)) {
            ps.setString(1, crawlId);
            ps.setString(2, after);
            ps.setBoolean(3, reclaimExpired);
            ps.setString(4, crawlId);
            ps.setBoolean(5, reclaimExpired);
            ps.setInt(6, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hosts.add(rs.getString(1));
                }
            }
        }
        return hosts;
    }

    private static Map<String, Integer> leased(Connection c, String crawlId, List<String> hosts) throws SQLException {
        Map<String, Integer> leased = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LEASED)) {
            ps.setString(1, crawlId);
            ps.setArray(2, c.createArrayOf("text", hosts.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leased.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return leased;
    }

    /** The usage of the limited crawls among {@code due}, read under their row locks. */
    private static CrawlLimits usage(Connection c, Map<String, CrawlLimits.Limits> limits, List<Due> due) throws SQLException {
        Set<String> crawls = new HashSet<>();
        Set<List<String>> hosts = new LinkedHashSet<>();
        for (Due d : due) {
            CrawlLimits.Limits l = limits.get(d.crawlId);
            if (l != null) {
                crawls.add(d.crawlId);
                if (l.maxPagesPerHost() > 0 && d.newPage()) {
                    hosts.add(List.of(d.crawlId, d.host));
                }
            }
        }
        return UrlUsage.read(c, limits, crawls, hosts);
    }
}
