package dev.crawlocr.fetcher.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A fetched page follows as many links as its crawl allows, or the node's FETCHER_MAX_OUTLINKS, and its result counts the rest. */
class OutlinkCapTest {
    private final TestSite site = new TestSite();
    private final Engines engines = new Engines(Map.of("FETCHER_MAX_OUTLINKS", "3"));

    @AfterEach
    void close() {
        engines.close();
        site.close();
    }

    private Outcome fetchIndex(String crawlId, int maxOutlinks) {
        site.route("/index.html", TestSite.html("""
                <a href="http://elsewhere.test/">off site</a>
                <a href="/p1">1</a> <a href="/p2">2</a> <a href="/p3">3</a> <a href="/p4">4</a> <a href="/p5">5</a> <a href="/p5#dup">5</a>
                <img src="/i.png">"""));
        CrawlScope d = CrawlScope.defaults();
        engines.crawl(crawlId, List.of(site.url("/")), new CrawlScope(d.allowedHosts(), d.allowedDomains(), d.includePatterns(),
                d.excludePatterns(), d.maxDepth(), d.maxPagesPerHost(), d.maxPages(), d.deniedExtensions(), d.fetchImages(), maxOutlinks, true),
                new Politeness(0, 1, 0, 0, 0, 0, 0));
        return engines.fetch(crawlId, site.url("/index.html"));
    }

    private static List<String> links(Outcome o) {
        return o.discovered().stream().flatMap(d -> d.urls().stream()).map(DiscoveredUrls.Link::url).toList();
    }

    @Test
    void theCrawlsCapIsAppliedAndTheDroppedLinksAreCountedByCategory() {
        Outcome capped = fetchIndex("c-cap", 2);
        assertThat(links(capped)).containsExactly(site.url("/p1"), site.url("/p2"), site.url("/i.png"));
        assertThat(capped.result().outlinkCount()).isEqualTo(6);
        assertThat(capped.result().droppedLinks()).containsExactly(entry("host", 1), entry("outlink-cap", 3));
        assertThat(engines.counter("fetcher.links.dropped", "reason", "outlink-cap")).isEqualTo(3);

        Outcome wide = fetchIndex("c-wide", 10);
        assertThat(links(wide)).hasSize(6);
        assertThat(wide.result().droppedLinks()).containsExactly(entry("host", 1));
    }

    @Test
    void aCrawlWithoutACapGetsTheNodes() {
        Outcome r = fetchIndex("c-default", 0);
        assertThat(links(r)).containsExactly(site.url("/p1"), site.url("/p2"), site.url("/p3"), site.url("/i.png"));
        assertThat(r.result().droppedLinks()).containsExactly(entry("host", 1), entry("outlink-cap", 2));
    }
}
