package dev.crawlocr.fetcher.sitemap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.Discovery;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.SitemapRead;
import dev.crawlocr.common.message.SitemapRead.Status;
import dev.crawlocr.fetcher.outcome.Outcome;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A seed's task reads its host's sitemaps from a loopback site: robots.txt {@code Sitemap:} lines, {@code /sitemap.xml},
 * nested indexes, gzip and text sitemaps, each request on the host's politeness turn, the URLs through the crawl's scope.
 */
class SitemapReadingTest {
    private static final long DELAY_MS = 150;
    private final TestSite site = new TestSite();
    private Engines engines;

    @AfterEach
    void close() {
        if (engines != null) {
            engines.close();
        }
        site.close();
    }

    /** robots.txt names an index of a gzipped sitemap and a text sitemap; /sitemap.xml lists a feed's worth of pages. */
    private void serveSite(String robots) throws Exception {
        site.route("/robots.txt", ex -> TestSite.send(ex, 200, "text/plain", robots));
        site.route("/", TestSite.html("<title>home</title><a href=\"/linked.html\">linked</a>"));
        site.route("/maps/index.xml", ex -> TestSite.send(ex, 200, "application/xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                  <sitemap><loc>%s</loc></sitemap>
                  <sitemap><loc>%s</loc></sitemap>
                </sitemapindex>""".formatted(site.url("/maps/pages.xml.gz"), site.url("/maps/more.txt"))));
        byte[] pages = SitemapParsingTest.gzip("""
                <?xml version="1.0" encoding="UTF-8"?>
                <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                  <url><loc>%s</loc></url>
                  <url><loc>%s</loc></url>
                  <url><loc>http://elsewhere.example/off-host.html</loc></url>
                  <url><loc>%s</loc></url>
                </urlset>""".formatted(site.url("/deep/1.html"), site.url("/deep/2.html"), site.url("/deep/archive.zip"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        site.route("/maps/pages.xml.gz", ex -> TestSite.send(ex, 200, "application/gzip", pages));
        site.route("/maps/more.txt", ex -> TestSite.send(ex, 200, "text/plain", site.url("/deep/3.html") + "\n" + site.url("/") + "\n"));
    }

    private Outcome fetchSeed(String crawlId, CrawlScope scope) {
        engines.crawlReadingSitemaps(crawlId, List.of(site.url("/")), scope, new Politeness(DELAY_MS, 1, 0, 0, 0, 0, 0));
        return engines.fetch(crawlId, site.url("/"));
    }

    private static Map<String, SitemapRead> byPath(Outcome o, TestSite site) {
        return o.result().sitemaps().stream().collect(Collectors.toMap(r -> r.url().replace(site.url(""), ""), Function.identity()));
    }

    private static List<DiscoveredUrls.Link> fromSitemaps(Outcome o) {
        return o.discovered().stream().filter(d -> d.via() == Discovery.SITEMAP).flatMap(d -> d.urls().stream()).toList();
    }

    @Test
    void aSeedReadsTheIndexItsGzipAndTextSitemapsOnceOnItsHostsTurn() throws Exception {
        engines = new Engines();
        serveSite("User-agent: *\nAllow: /\nSitemap: " + site.url("/maps/index.xml") + "\n");

        Outcome o = fetchSeed("c1", CrawlScope.defaults());

        assertThat(o.result().status()).isEqualTo(FetchStatus.FETCHED);
        Map<String, SitemapRead> read = byPath(o, site);
        assertThat(read.get("/maps/index.xml")).isEqualTo(new SitemapRead(site.url("/maps/index.xml"), Status.READ, 2, 0, null));
        assertThat(read.get("/maps/pages.xml.gz")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.READ);
            assertThat(r.found()).isEqualTo(4);
            assertThat(r.accepted()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo("dropped extension 1, host 1");
        });
        assertThat(read.get("/maps/more.txt")).as("the seed it lists is not emitted again")
                .isEqualTo(new SitemapRead(site.url("/maps/more.txt"), Status.READ, 2, 1, null));
        assertThat(read.get("/sitemap.xml")).isEqualTo(new SitemapRead(site.url("/sitemap.xml"), Status.ABSENT, 0, 0, "HTTP 404"));
        assertThat(fromSitemaps(o)).extracting(DiscoveredUrls.Link::url)
                .containsExactly(site.url("/deep/1.html"), site.url("/deep/2.html"), site.url("/deep/3.html"));
        assertThat(fromSitemaps(o)).extracting(DiscoveredUrls.Link::depth).containsOnly(1);
        assertThat(o.discovered()).filteredOn(d -> d.via() == Discovery.SITEMAP).extracting(DiscoveredUrls::sourceUrl)
                .as("named after the fetch that read them").containsOnly(site.url("/"));
        assertThat(o.discovered()).filteredOn(d -> d.via() == Discovery.LINK).flatExtracting(DiscoveredUrls::urls)
                .extracting(DiscoveredUrls.Link::url).containsExactly(site.url("/linked.html"));
        assertThat(o.result().requests()).as("robots.txt, the page and four sitemaps").isEqualTo(6);

        List<TestSite.Hit> hits = site.hits();
        for (int i = 1; i < hits.size(); i++) {
            assertThat(Duration.ofNanos(hits.get(i).atNanos() - hits.get(i - 1).atNanos())).as("gap before " + hits.get(i).path())
                    .isGreaterThanOrEqualTo(Duration.ofMillis(DELAY_MS - 5));
        }

        Outcome again = engines.fetch("c1", site.url("/?again"));
        assertThat(again.result().sitemaps()).as("a second seed on the host in the crawl").isEmpty();
        for (String path : List.of("/maps/index.xml", "/maps/pages.xml.gz", "/maps/more.txt", "/sitemap.xml")) {
            assertThat(site.count(path)).as(path).isEqualTo(1);
        }
    }

    @Test
    void robotsTxtGuardsSitemapsAndAMalformedOneIsRecordedWhileThePageStands() throws Exception {
        engines = new Engines();
        serveSite("User-agent: *\nDisallow: /maps/\nSitemap: " + site.url("/maps/index.xml") + "\n");
        site.route("/sitemap.xml", TestSite.html("<!DOCTYPE html><html><body>soft 404</body></html>"));

        Outcome o = fetchSeed("c2", CrawlScope.defaults());

        assertThat(o.result().status()).isEqualTo(FetchStatus.FETCHED);
        Map<String, SitemapRead> read = byPath(o, site);
        assertThat(read.get("/maps/index.xml").status()).isEqualTo(Status.DENIED);
        assertThat(read.get("/maps/index.xml").reason()).isEqualTo("robots.txt disallows /maps/index.xml");
        assertThat(site.count("/maps/index.xml")).isZero();
        assertThat(read.get("/sitemap.xml").status()).isEqualTo(Status.MALFORMED);
        assertThat(read.get("/sitemap.xml").reason()).startsWith("not a sitemap");
        assertThat(fromSitemaps(o)).isEmpty();
    }

    @Test
    void theNestingAndPerHostLimitsCutReadingShortAndSaySo() throws Exception {
        engines = new Engines(Map.of("FETCHER_SITEMAP_MAX_NESTING", "0", "FETCHER_SITEMAP_MAX_PER_HOST", "1"));
        serveSite("User-agent: *\nSitemap: " + site.url("/maps/index.xml") + "\nSitemap: " + site.url("/maps/more.txt") + "\n");

        Outcome o = fetchSeed("c3", CrawlScope.defaults());

        Map<String, SitemapRead> read = byPath(o, site);
        assertThat(read.get("/maps/index.xml").reason()).isEqualTo("nested sitemaps not read: FETCHER_SITEMAP_MAX_NESTING (0) reached");
        assertThat(site.count("/maps/pages.xml.gz")).isZero();
        assertThat(read.get("/maps/more.txt")).isEqualTo(new SitemapRead(site.url("/maps/more.txt"), Status.READ, 2, 1,
                "1 URLs over the per-host or per-crawl sitemap limit not taken"));
        assertThat(read.get("/sitemap.xml")).isEqualTo(new SitemapRead(site.url("/sitemap.xml"), Status.SKIPPED, 0, 0,
                "FETCHER_SITEMAP_MAX_PER_HOST (1 URLs) reached"));
        assertThat(site.count("/sitemap.xml")).isZero();
        assertThat(fromSitemaps(o)).extracting(DiscoveredUrls.Link::url).containsExactly(site.url("/deep/3.html"));
    }

    @Test
    void aSameHostRedirectIsFollowedAndASitemapOverTheByteCapIsMalformedNamingTheSetting() throws Exception {
        engines = new Engines(Map.of("FETCHER_SITEMAP_MAX_BYTES", "1KB"));
        serveSite("User-agent: *\nSitemap: " + site.url("/old-map.txt") + "\nSitemap: " + site.url("/moved-away.xml") + "\n");
        site.route("/old-map.txt", TestSite.redirect(301, "/maps/more.txt"));
        site.route("/moved-away.xml", TestSite.redirect(301, "http://elsewhere.example/sitemap.xml"));
        site.route("/sitemap.xml", ex -> TestSite.send(ex, 200, "text/plain", (site.url("/deep/1.html") + "\n").repeat(100)));

        Outcome o = fetchSeed("c4", CrawlScope.defaults());

        Map<String, SitemapRead> read = byPath(o, site);
        assertThat(read.get("/old-map.txt")).isEqualTo(new SitemapRead(site.url("/old-map.txt"), Status.READ, 2, 1, null));
        assertThat(read.get("/moved-away.xml").status()).isEqualTo(Status.ERROR);
        assertThat(read.get("/moved-away.xml").reason()).isEqualTo("HTTP 301 redirect off the seed's host not followed: "
                + "http://elsewhere.example/sitemap.xml");
        assertThat(read.get("/sitemap.xml")).isEqualTo(new SitemapRead(site.url("/sitemap.xml"), Status.MALFORMED, 0, 0,
                "larger than FETCHER_SITEMAP_MAX_BYTES (1024 bytes)"));
        assertThat(fromSitemaps(o)).extracting(DiscoveredUrls.Link::url).containsExactly(site.url("/deep/3.html"));
    }

    @Test
    void noSitemapIsAskedForWithoutSitemapsOrWithoutFollowingLinks() throws Exception {
        engines = new Engines();
        serveSite("User-agent: *\nSitemap: " + site.url("/maps/index.xml") + "\n");
        CrawlScope d = CrawlScope.defaults();
        CrawlScope off = new CrawlScope(d.allowedHosts(), d.allowedDomains(), d.includePatterns(), d.excludePatterns(), d.maxDepth(),
                0, 0, null, true, 0, true, false, null, CrawlScope.DEFAULT_PDF_MAX_BYTES);
        CrawlScope followNone = new CrawlScope(List.of(), List.of(), List.of(), List.of(), 10, 0, 0, null, true, 0, false, true, null, CrawlScope.DEFAULT_PDF_MAX_BYTES);
        CrawlScope seedsOnly = new CrawlScope(List.of(), List.of(), List.of(), List.of(), 0, 0, 0, null, true, 0, true, true, null, CrawlScope.DEFAULT_PDF_MAX_BYTES);

        assertThat(fetchSeed("off", off).result().sitemaps()).isEmpty();
        assertThat(fetchSeed("none", followNone).result().sitemaps()).isEmpty();
        assertThat(fetchSeed("depth0", seedsOnly).result().sitemaps()).isEmpty();
        assertThat(site.hits()).extracting(TestSite.Hit::path).containsOnly("/robots.txt", "/");
    }
}
