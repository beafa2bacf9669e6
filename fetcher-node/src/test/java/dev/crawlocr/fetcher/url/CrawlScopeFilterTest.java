package dev.crawlocr.fetcher.url;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.UrlKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrawlScopeFilterTest {

    private static CrawlScopeFilter filter(List<String> seeds, CrawlScope scope) {
        return new CrawlScopeFilter(new CrawlJob(CrawlJob.SCHEMA, "c", CrawlJob.State.RUNNING, seeds, scope, Politeness.defaults(),
                OcrSettings.defaults(), Instant.now()));
    }

    private static CrawlScope scope(List<String> hosts, List<String> domains, List<String> inc, List<String> exc, int depth, List<String> ext, boolean images) {
        return new CrawlScope(hosts, domains, inc, exc, depth, 0, 0, ext, images, 0, true);
    }

    @Test
    void defaultsToTheSeedsHosts() {
        CrawlScopeFilter f = filter(List.of("https://www.example.com/", "http://127.0.0.1:8080/start"), CrawlScope.defaults());
        assertThat(f.check("https://www.example.com/a", UrlKind.PAGE, 1)).isEmpty();
        assertThat(f.check("http://127.0.0.1:8080/b", UrlKind.PAGE, 1)).isEmpty();
        assertThat(f.check("http://127.0.0.1:9090/b", UrlKind.PAGE, 1)).hasValue("host: not an allowed host or domain");
        assertThat(f.check("https://blog.example.com/a", UrlKind.PAGE, 1)).hasValue("host: not an allowed host or domain");
    }

    @Test
    void registeredDomainsAllowTheirSubdomains() {
        CrawlScopeFilter f = filter(List.of("https://www.example.co.uk/"), scope(List.of(), List.of("example.co.uk"), List.of(), List.of(), 5, null, true));
        assertThat(f.check("https://shop.example.co.uk/x", UrlKind.PAGE, 1)).isEmpty();
        assertThat(f.check("https://example.co.uk/x", UrlKind.PAGE, 1)).isEmpty();
        assertThat(f.check("https://other.co.uk/x", UrlKind.PAGE, 1)).isPresent();
        assertThat(CrawlScopeFilter.registeredDomain("a.b.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(CrawlScopeFilter.registeredDomain("www.example.com")).isEqualTo("example.com");
        assertThat(CrawlScopeFilter.registeredDomain("127.0.0.1")).isNull();
    }

    @Test
    void depthPatternsAndExtensions() {
        CrawlScopeFilter f = filter(List.of("https://example.com/"),
                scope(List.of(), List.of(), List.of("/docs/"), List.of("\\?print=1$"), 2, List.of("doc", ".zip"), true));
        assertThat(f.check("https://example.com/docs/a", UrlKind.PAGE, 2)).isEmpty();
        assertThat(f.check("https://example.com/docs/a", UrlKind.PAGE, 3)).hasValue("depth: 3 is beyond maxDepth 2");
        assertThat(f.check("https://example.com/blog/a", UrlKind.PAGE, 1)).hasValue("include: matches no include pattern");
        assertThat(f.check("https://example.com/docs/a?print=1", UrlKind.PAGE, 1)).hasValue("exclude: matches \\?print=1$");
        assertThat(f.check("https://example.com/docs/manual.DOC", UrlKind.PAGE, 1)).hasValue("extension: .doc is denied");
        assertThat(f.check("https://example.com/docs/a.zip", UrlKind.PAGE, 1)).hasValue("extension: .zip is denied");
    }

    @Test
    void pdfLinksAreFollowedExactlyWhenTheCrawlFetchesPdfs() {
        CrawlScope d = CrawlScope.defaults();
        String pdf = "https://example.com/docs/manual.PDF";
        assertThat(filter(List.of("https://example.com/"), d).check(pdf, UrlKind.PAGE, 1)).as("default: follows fetchImages").isEmpty();
        CrawlScope listed = new CrawlScope(List.of(), List.of(), List.of(), List.of(), 10, 0, 0, List.of("pdf"), true, 0, true, true, true, 1000);
        assertThat(filter(List.of("https://example.com/"), listed).check(pdf, UrlKind.PAGE, 1)).as("pdfs on beat the list").isEmpty();
        CrawlScope off = new CrawlScope(List.of(), List.of(), List.of(), List.of(), 10, 0, 0, List.of("zip"), true, 0, true, true, false, 1000);
        assertThat(filter(List.of("https://example.com/"), off).check(pdf, UrlKind.PAGE, 1)).hasValue("extension: .pdf is denied");
        CrawlScope noImages = new CrawlScope(List.of(), List.of(), List.of(), List.of(), 10, 0, 0, null, false, 0, true);
        assertThat(filter(List.of("https://example.com/"), noImages).check(pdf, UrlKind.PAGE, 1)).hasValue("extension: .pdf is denied");
    }

    @Test
    void imagesMayComeFromOtherHostsUnlessTheCrawlSkipsImages() {
        CrawlScopeFilter f = filter(List.of("https://example.com/"), CrawlScope.defaults());
        assertThat(f.check("https://cdn.other.net/pic.png", UrlKind.IMAGE, 11)).isEmpty();
        CrawlScopeFilter noImages = filter(List.of("https://example.com/"), scope(List.of(), List.of(), List.of(), List.of(), 3, null, false));
        assertThat(noImages.check("https://example.com/pic.png", UrlKind.IMAGE, 1)).hasValue("images-off: the crawl does not fetch images");
    }

    @Test
    void anInvalidPatternPutsEverythingOutOfScopeAndSaysWhich() {
        CrawlScopeFilter f = filter(List.of("https://example.com/"), scope(List.of(), List.of(), List.of("(unclosed"), List.of(), 3, null, true));
        assertThat(f.check("https://example.com/a", UrlKind.PAGE, 1)).hasValueSatisfying(r -> assertThat(r).startsWith("invalid-pattern: '(unclosed'"));
    }
}
