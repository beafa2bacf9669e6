package dev.crawlocr.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    @Test
    void theDroppedLineNamesEachGuardInAFixedOrderWithThousandsSeparators() {
        assertThat(StatusCommand.droppedLine(Map.of("host", 250L, "trap", 12L, "outlink-cap", 2000L, "depth", 40L, "exclude", 10L,
                "nofollow", 3L, StatusCommand.ROBOTS, 1234L, "invalid", 7L)))
                .isEqualTo("  dropped  2,000 links by the per-page link cap, 12 by the trap guard, 300 out of scope, 3 on nofollow pages, "
                        + "1,234 disallowed by robots.txt\n");
    }

    @Test
    void theDroppedLineIsLeftOutWhenNothingWasDropped() {
        assertThat(StatusCommand.droppedLine(Map.of())).isEmpty();
        assertThat(StatusCommand.droppedLine(Map.of(StatusCommand.ROBOTS, 0L, "invalid", 4L))).isEmpty();
        assertThat(StatusCommand.droppedLine(Map.of(StatusCommand.ROBOTS, 1L))).isEqualTo("  dropped  1 link disallowed by robots.txt\n");
    }

    @Test
    void theContractLineComparesTheResponseRateWithTheContract() {
        StatusCommand.CrawlStatus running = new StatusCommand.CrawlStatus("c", "RUNNING", Map.of(), 0, 0, 0, 0, 0, 0, 0, 50, 8, 48.6, Map.of(),
                Map.of(), List.of(), null);
        assertThat(StatusCommand.contractLine(running))
                .isEqualTo("  contract 50.00/s and 8 connections across its hosts; last 10 s: 48.6 responses/s, 97% of the rate\n");
        StatusCommand.CrawlStatus done = new StatusCommand.CrawlStatus("c", "FINISHED", Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 1, 3.0, Map.of(),
                Map.of(), List.of(), null);
        assertThat(StatusCommand.contractLine(done)).isEqualTo("  contract 1 connection across its hosts; over the crawl: 3.0 responses/s\n");
    }

    @Test
    void theFoundLinesCountUrlsBySourceAndListTheSitemapsRead() {
        Map<String, Long> sources = new LinkedHashMap<>();
        sources.put("seed", 1L);
        sources.put("link", 12L);
        sources.put("sitemap", 30L);
        StatusCommand.CrawlStatus c = new StatusCommand.CrawlStatus("c", "FINISHED", Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), sources,
                List.of(new StatusCommand.Sitemap("http://a.example/maps/index.xml", "READ", 2, 0, null),
                        new StatusCommand.Sitemap("http://a.example/maps/pages.xml.gz", "READ", 40, 30, "dropped host 10"),
                        new StatusCommand.Sitemap("http://a.example/sitemap.xml", "ABSENT", 0, 0, "HTTP 404")), null);
        assertThat(StatusCommand.sourcesLines(c)).isEqualTo("""
                  found    seed 1  link 12  sitemap 30
                  sitemaps 3: READ 2 ABSENT 1; 42 URLs listed, 30 taken
                    READ      http://a.example/maps/index.xml  2 listed, 0 taken
                    READ      http://a.example/maps/pages.xml.gz  40 listed, 30 taken (dropped host 10)
                    ABSENT    http://a.example/sitemap.xml  0 listed, 0 taken (HTTP 404)
                """);
        assertThat(StatusCommand.sourcesLines(new StatusCommand.CrawlStatus("c", "FINISHED", Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(),
                Map.of(), List.of(), null))).isEmpty();
    }

    @Test
    void theRecrawlLineShowsTheCycleAndWhatTheLastOneFound() {
        assertThat(StatusCommand.recrawlLine(new StatusCommand.Recrawl(60, 1, 4, 10, 0, null, Map.of())))
                .isEqualTo("  recrawl  every 60 s; cycle 1: 4 of 10 URLs fetched\n");
        Map<String, Long> last = new java.util.LinkedHashMap<>();
        last.put("new", 0L);
        last.put("changed", 5L);
        last.put("unchanged", 4L);
        last.put("gone", 1L);
        last.put("failed", 0L);
        assertThat(StatusCommand.recrawlLine(new StatusCommand.Recrawl(60, 3, 0, 10, 2, "2026-12-01 10:00:00Z", last)))
                .isEqualTo("  recrawl  every 60 s; cycle 3: 0 of 10 URLs fetched; cycle 2 completed 2026-12-01 10:00:00Z: 0 new, 5 changed, "
                        + "4 unchanged, 1 gone, 0 failed\n");
    }
}
