package dev.crawlocr.fetcher.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.crawlocr.common.Urls;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.DiscoveredUrls.Link;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkSelectorTest {
    private final CrawlScopeFilter scope = new CrawlScopeFilter(new CrawlJob(CrawlJob.SCHEMA, "c", CrawlJob.State.RUNNING,
            List.of("https://example.com/"), CrawlScope.defaults(), Politeness.defaults(), OcrSettings.defaults(), Instant.now()));
    private final LinkSelector selector = new LinkSelector(new Urls(List.of("utm_source")), new TrapGuard(120, 2), 3);

    @Test
    void normalizesDeduplicatesAndGroupsByHost() {
        var sel = selector.select("https://example.com/", 0,
                List.of("https://EXAMPLE.com:443/a#frag", "https://example.com/a?utm_source=x", "https://example.com/b/../c",
                        "mailto:x@example.com", "https://other.org/page"),
                List.of("https://cdn.example.net/i.png", "https://example.com/j.png", "https://example.com/j.png#x"), scope, true);
        assertThat(sel.byHost().get("example.com")).containsExactly(
                new Link("https://example.com/a", UrlKind.PAGE, 1), new Link("https://example.com/c", UrlKind.PAGE, 1),
                new Link("https://example.com/j.png", UrlKind.IMAGE, 1));
        assertThat(sel.byHost().get("cdn.example.net")).containsExactly(new Link("https://cdn.example.net/i.png", UrlKind.IMAGE, 1));
        assertThat(sel.byHost()).doesNotContainKey("other.org");
        assertThat(sel.outlinks()).isEqualTo(3);
        assertThat(sel.imageUrls()).containsExactly("https://cdn.example.net/i.png", "https://example.com/j.png");
        assertThat(sel.dropped()).containsEntry("host: not an allowed host or domain", 1).containsEntry("invalid: not an http(s) URL", 1);
    }

    @Test
    void capsOutlinksPerPageAndDropsTraps() {
        List<String> links = new ArrayList<>(List.of("https://example.com/a/a/a/x", "https://example.com/" + "q".repeat(200)));
        for (int i = 0; i < 10; i++) {
            links.add("https://example.com/p" + i);
        }
        var sel = selector.select("https://example.com/", 0, links, List.of(), scope, true);
        assertThat(sel.byHost().get("example.com")).extracting(Link::url)
                .containsExactly("https://example.com/p0", "https://example.com/p1", "https://example.com/p2");
        assertThat(sel.dropped()).containsEntry("outlink-cap: more than 3 outlinks", 7)
                .containsEntry("trap: path repeats segment 'a' more than 2 times", 1)
                .containsEntry("trap: URL longer than 120 characters", 1);
    }

    @Test
    void aCrawlsOwnCapReplacesTheNodesCapInEitherDirection() {
        List<String> links = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            links.add("https://example.com/p" + i);
            images.add("https://example.com/i" + i + ".png");
        }
        var wider = selector.select("https://example.com/", 0, links, images, scopeWithCap(6), true);
        assertThat(wider.byHost().get("example.com")).hasSize(12);
        assertThat(wider.dropped()).containsOnly(entry("outlink-cap: more than 6 outlinks", 4), entry("outlink-cap: more than 6 images", 4));

        var narrower = selector.select("https://example.com/", 0, links, images, scopeWithCap(1), true);
        assertThat(narrower.byHost().get("example.com")).extracting(Link::url)
                .containsExactly("https://example.com/p0", "https://example.com/i0.png");
        assertThat(narrower.droppedByCategory()).containsOnly(entry("outlink-cap", 18));

        var nodeDefault = selector.select("https://example.com/", 0, links, images, scopeWithCap(0), true);
        assertThat(nodeDefault.droppedByCategory()).containsOnly(entry("outlink-cap", 14));
    }

    @Test
    void droppedLinksAreSummedByCategoryOncePerDistinctUrl() {
        var sel = selector.select("https://example.com/", 0,
                List.of("https://example.com/a", "https://example.com/f.zip", "https://example.com/f.zip#again", "https://other.org/",
                        "https://other.org/b", "https://example.com/a/a/a/", "javascript:void(0)", "mailto:x@example.com"),
                List.of(), scope, true);
        assertThat(sel.byHost().get("example.com")).extracting(Link::url).containsExactly("https://example.com/a");
        assertThat(sel.dropped()).containsOnly(entry("extension: .zip is denied", 1), entry("host: not an allowed host or domain", 2),
                entry("trap: path repeats segment 'a' more than 2 times", 1), entry("invalid: not an http(s) URL", 2));
        assertThat(sel.droppedByCategory()).containsExactly(entry("extension", 1), entry("host", 2), entry("invalid", 2), entry("trap", 1));
        assertThat(LinkSelector.category("outlink-cap: more than 3 outlinks")).isEqualTo("outlink-cap");
    }

    @Test
    void noFollowPagesEmitImagesOnly() {
        var sel = selector.select("https://example.com/", 0, List.of("https://example.com/a"), List.of("https://example.com/i.png"), scope, false);
        assertThat(sel.byHost().get("example.com")).containsExactly(new Link("https://example.com/i.png", UrlKind.IMAGE, 1));
        assertThat(sel.dropped()).containsEntry("nofollow: the page asks not to be followed", 1);
    }

    @Test
    void aCrawlThatFollowsNoLinksEmitsNeitherPagesNorImagesButListsTheImages() {
        var sel = selector.select("https://example.com/", 0, List.of("https://example.com/a", "https://example.com/b"),
                List.of("https://example.com/i.png"), scope(0, false), true);
        assertThat(sel.byHost()).isEmpty();
        assertThat(sel.imageUrls()).containsExactly("https://example.com/i.png");
        assertThat(sel.outlinks()).isEqualTo(2);
        assertThat(sel.droppedByCategory()).containsExactly(Map.entry("follow-none", 3));
    }

    private static CrawlScopeFilter scopeWithCap(int maxOutlinks) {
        return scope(maxOutlinks, true);
    }

    private static CrawlScopeFilter scope(int maxOutlinks, boolean followLinks) {
        CrawlScope d = CrawlScope.defaults();
        CrawlScope capped = new CrawlScope(d.allowedHosts(), d.allowedDomains(), d.includePatterns(), d.excludePatterns(), d.maxDepth(),
                d.maxPagesPerHost(), d.maxPages(), d.deniedExtensions(), d.fetchImages(), maxOutlinks, followLinks);
        return new CrawlScopeFilter(new CrawlJob(CrawlJob.SCHEMA, "c", CrawlJob.State.RUNNING, List.of("https://example.com/"), capped,
                Politeness.defaults(), OcrSettings.defaults(), Instant.now()));
    }

    @Test
    void trapGuardAllowsOrdinaryPaths() {
        TrapGuard g = new TrapGuard(2048, 3);
        assertThat(g.check("https://example.com/2024/01/01/post")).isEmpty();
        assertThat(g.check("https://example.com/a/b/a/b/a/b/a/b")).hasValue("path repeats segment 'a' more than 3 times");
    }
}
