package dev.crawlocr.fetcher.sitemap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class SitemapParsingTest {

    private final SitemapParsing parsing = new SitemapParsing(1 << 20, 1000);

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = SitemapParsingTest.class.getResourceAsStream("/sitemaps/" + name)) {
            return in.readAllBytes();
        }
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void anXmlSitemapListsItsPages() throws Exception {
        SitemapParsing.Parsed p = parsing.parse("http://a.example/sitemap.xml", fixture("urlset.xml"));
        assertThat(p.index()).isFalse();
        assertThat(p.urls()).containsExactly("http://a.example/deep/1.html", "http://a.example/deep/2.html", "http://a.example/deep/3.html");
        assertThat(p.found()).isEqualTo(3);
    }

    @Test
    void anIndexListsItsSitemaps() throws Exception {
        SitemapParsing.Parsed p = parsing.parse("http://a.example/sitemap.xml", fixture("index.xml"));
        assertThat(p.index()).isTrue();
        assertThat(p.urls()).containsExactly("http://a.example/maps/pages.xml.gz", "http://a.example/maps/more.txt");
    }

    @Test
    void aGzippedSitemapIsInflatedWhateverItsName() throws Exception {
        byte[] gz = gzip(fixture("urlset.xml"));
        assertThat(parsing.parse("http://a.example/maps/pages.xml.gz", gz).urls()).hasSize(3);
        assertThat(parsing.parse("http://a.example/maps/pages.xml", gz).urls()).hasSize(3);
    }

    @Test
    void aTextSitemapListsOneUrlALine() throws Exception {
        SitemapParsing.Parsed p = parsing.parse("http://a.example/maps/more.txt", fixture("urls.txt"));
        assertThat(p.index()).isFalse();
        assertThat(p.urls()).containsExactly("http://a.example/text/1.html", "http://a.example/text/2.html", "http://a.example/text/3.html");
    }

    @Test
    void rssAndAtomFeedsListTheirEntries() throws Exception {
        assertThat(parsing.parse("http://a.example/feed.rss", fixture("rss.xml")).urls())
                .contains("http://a.example/news/1.html", "http://a.example/news/2.html");
        assertThat(parsing.parse("http://a.example/feed.atom", fixture("atom.xml")).urls()).containsExactly("http://a.example/atom/1.html");
    }

    @Test
    void theUrlCapKeepsTheFirstAndCountsAll() throws Exception {
        SitemapParsing.Parsed p = new SitemapParsing(1 << 20, 2).parse("http://a.example/sitemap.xml", fixture("urlset.xml"));
        assertThat(p.urls()).containsExactly("http://a.example/deep/1.html", "http://a.example/deep/2.html");
        assertThat(p.found()).isEqualTo(3);
    }

    @Test
    void aGzipThatInflatesPastTheByteCapIsRefusedNamingTheSetting() throws Exception {
        byte[] bomb = gzip(new byte[200_000]);
        assertThatThrownBy(() -> new SitemapParsing(100_000, 10).parse("http://a.example/s.xml.gz", bomb))
                .isInstanceOf(SitemapParsing.MalformedSitemapException.class).hasMessageContaining("FETCHER_SITEMAP_MAX_BYTES");
    }

    @Test
    void anHtmlPageBrokenXmlAndBinaryAreMalformedWithAReason() throws Exception {
        assertThatThrownBy(() -> parsing.parse("http://a.example/sitemap.xml", fixture("page.html")))
                .isInstanceOf(SitemapParsing.MalformedSitemapException.class).hasMessageStartingWith("not a sitemap");
        assertThatThrownBy(() -> parsing.parse("http://a.example/sitemap.xml", fixture("broken.xml")))
                .isInstanceOf(SitemapParsing.MalformedSitemapException.class).hasMessageStartingWith("not a sitemap");
        assertThatThrownBy(() -> parsing.parse("http://a.example/sitemap.xml", new byte[] {1, 0, 2, 0}))
                .isInstanceOf(SitemapParsing.MalformedSitemapException.class).hasMessageContaining("binary");
        assertThatThrownBy(() -> parsing.parse("http://a.example/sitemap.xml", new byte[] {0x1f, (byte) 0x8b, 1, 2}))
                .isInstanceOf(SitemapParsing.MalformedSitemapException.class).hasMessageContaining("corrupt gzip");
    }
}
