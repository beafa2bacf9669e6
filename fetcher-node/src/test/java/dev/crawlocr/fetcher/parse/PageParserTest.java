package dev.crawlocr.fetcher.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PageParserTest {
    private final PageParser parser = new PageParser(1000, 1 << 20);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};

    @Test
    void titleVisibleTextAndLinks() {
        String html = "<html><head><title>Hello</title><style>.x{color:red}</style><script>var hidden=1;</script></head>"
                + "<body><h1>Head</h1><p>Visible <b>text</b></p><a href='/a'>a</a><a href='b.html'>b</a>"
                + "<map><area href='/area'></map><iframe src='/frame'></iframe><a href='javascript:void(0)'>j</a></body></html>";
        ParsedPage p = parser.parse(html.getBytes(StandardCharsets.UTF_8), "text/html", "https://example.com/dir/page");
        assertThat(p.title()).isEqualTo("Hello");
        assertThat(p.text()).isEqualTo("Head Visible text abj");
        assertThat(p.links()).contains("https://example.com/a", "https://example.com/dir/b.html", "https://example.com/area", "https://example.com/frame");
        assertThat(p.noFollow()).isFalse();
    }

    @Test
    void imagesFromSrcSrcsetPictureAndOgImage() {
        String html = "<html><head><meta property='og:image' content='https://cdn.example.com/og.jpg'></head><body>"
                + "<img src='/a.png'>"
                + "<img src='/small.jpg' srcset='/small.jpg 320w, /large.jpg 1280w, /medium.jpg 640w'>"
                + "<img srcset='/x1.png, /x3.png 3x, /x2.png 2x'>"
                + "<picture><source srcset='/p-480.webp 480w, /p-960.webp 960w' type='image/webp'><img src='/p.jpg'></picture>"
                + "<img data-src='/lazy.png'></body></html>";
        ParsedPage p = parser.parse(html.getBytes(StandardCharsets.UTF_8), null, "https://example.com/");
        assertThat(p.images()).containsExactlyInAnyOrder("https://example.com/a.png", "https://example.com/small.jpg", "https://example.com/large.jpg",
                "https://example.com/x3.png", "https://example.com/p-960.webp", "https://example.com/p.jpg",
                "https://example.com/lazy.png", "https://cdn.example.com/og.jpg");
    }

    @Test
    void decodesDataImagesAndIgnoresOtherDataUris() {
        String b64 = Base64.getEncoder().encodeToString(PNG);
        String html = "<body><img src='data:image/png;base64," + b64 + "'><img src='data:image/svg+xml,<svg></svg>'>"
                + "<img srcset='data:image/png;base64," + b64 + " 2x'><img src='data:text/plain,hi'><img src='data:image/png;base64,@@@'></body>";
        ParsedPage p = parser.parse(html.getBytes(StandardCharsets.UTF_8), "text/html", "https://example.com/");
        assertThat(p.images()).isEmpty();
        assertThat(p.dataImages()).hasSize(1);
        assertThat(p.dataImages().getFirst().contentType()).isEqualTo("image/png");
        assertThat(p.dataImages().getFirst().bytes()).isEqualTo(PNG);
    }

    @Test
    void largestSrcsetCandidateKeepsCommasOfDataUris() {
        assertThat(ImageRefs.largest("data:image/png;base64,AAA= 1x, /big.png 2x")).isEqualTo("/big.png");
        assertThat(ImageRefs.largest("/a.png 100w,/b.png 900w")).isEqualTo("/b.png");
        assertThat(ImageRefs.largest("  ")).isNull();
    }

    @Test
    void charsetFromHeaderThenDocumentThenUtf8() {
        byte[] latin1 = "<html><body><p>caf\u00e9</p></body></html>".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(parser.parse(latin1, "text/html; charset=ISO-8859-1", "https://e.com/").text()).isEqualTo("caf\u00e9");
        byte[] declared = "<html><head><meta charset=\"windows-1252\"></head><body><p>na\u00efve \u20ac</p></body></html>".getBytes(Charset.forName("windows-1252"));
        assertThat(parser.parse(declared, "text/html", "https://e.com/").text()).isEqualTo("na\u00efve \u20ac");
        byte[] sjis = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"></head><body>\u65e5\u672c\u8a9e</body></html>"
                .getBytes(Charset.forName("Shift_JIS"));
        assertThat(parser.parse(sjis, null, "https://e.com/").text()).isEqualTo("\u65e5\u672c\u8a9e");
        byte[] utf8 = "<p>\ud55c\uad6d\uc5b4</p>".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse(utf8, "text/html; charset=bogus-charset", "https://e.com/").text()).isEqualTo("\ud55c\uad6d\uc5b4");
    }

    @Test
    void cutsLongTextAndHonoursRobotsMetaNofollow() {
        String html = "<head><meta name='robots' content='noindex, nofollow'></head><body>" + "word ".repeat(500) + "</body>";
        ParsedPage p = parser.parse(html.getBytes(StandardCharsets.UTF_8), "text/html", "https://e.com/");
        assertThat(p.text()).hasSize(1000);
        assertThat(p.textTruncated()).isTrue();
        assertThat(p.noFollow()).isTrue();
    }

    @Test
    void hostileMarkupStillParses() {
        String html = "<div>".repeat(20_000) + "deep" + "</td></tr><<<>>>\u0000\ufffd<a href='http://[bad'>x</a>";
        ParsedPage p = parser.parse(html.getBytes(StandardCharsets.UTF_8), "text/html", "https://e.com/");
        assertThat(p.text()).contains("deep");
    }
}
