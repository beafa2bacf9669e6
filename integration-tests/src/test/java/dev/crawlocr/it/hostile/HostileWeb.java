package dev.crawlocr.it.hostile;

import static dev.crawlocr.it.hostile.HostileRoutes.HTML;
import static dev.crawlocr.it.hostile.HostileRoutes.html;

import dev.crawlocr.localcluster.DemoSite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile web of {@link HostileWebIT}: several hosts on 127.0.0.1 (one port each), every hostile case reachable
 * from the seeds, next to a well-behaved {@link DemoSite}. Sizes are chosen against the caps the test configures
 * (pages 1 MB, images 1 MB, 100 outlinks, 3 redirect hops, depth 5).
 */
final class HostileWeb implements AutoCloseable {
    static final long HUGE_PAGE = 50L << 20;
    static final long BOMB_INFLATED = 256L << 20;
    static final int LINKS = 10_000;
    static final int NESTING = 50_000;

    final DemoSite good = DemoSite.start(8, 4);
    /** Content cases: bombs, huge and malformed pages, charsets, images, link floods and traps. */
    final HostileServer content = new HostileServer();
    final HostileServer drip = new HostileServer();
    final HostileServer endless = new HostileServer();
    final HostileServer redirects = new HostileServer();
    final HostileServer robots500 = new HostileServer();
    final HostileServer robotsHang = new HostileServer();
    final HostileServer robotsHuge = new HostileServer();
    final HostileServer robotsToPrivate = new HostileServer();
    final HostileServer tooMany = new HostileServer();
    final HostileServer leaves = new HostileServer();
    final RawServer raw = new RawServer();

    final byte[] bombPng = HostileImages.pngBomb(100_000, 100_000);
    final byte[] corruptPng = HostileImages.corruptPng();
    /** Served as application/pdf: starts like a PDF and is none. */
    final byte[] fakePdf = bytes("%PDF-1.4 not really");
    final byte[] truncatedPng = HostileImages.truncatedPng();
    final byte[] htmlAsPng = "<!doctype html><html><body>I am not a picture</body></html>".getBytes(StandardCharsets.UTF_8);
    final byte[] okPng = HostileImages.text("HOSTILE CONTROL");

    HostileWeb() {
        String head = "<!doctype html><html><head><title>%s</title></head><body>";
        content.route("/", html(String.format(head, "Hostile index") + links(
                        "/gzip-bomb", "/huge", "/nested", "/malformed", "/charset/bogus-header", "/charset/wrong-bytes",
                        "/charset/bogus-meta", "/broken-gzip", "/pdf", "/doc", "/many-links", "/trap/a/", "/cal/2026/1")
                        + "<img src=\"/img/bomb.png\"><img src=\"/img/corrupt.png\"><img src=\"/img/truncated.png\">"
                        + "<img src=\"/img/html-as.png\"><img src=\"/img/text-html.png\"><img src=\"/img/gzip-bomb.png\">"
                        + "<img src=\"/img/ok.png\"><img src=\"" + endless.url("/endless.png") + "\"></body></html>"))
                .route("/gzip-bomb", HostileRoutes.gzipBomb(HTML, bytes(String.format(head, "Gzip bomb") + "<p>bomb"), BOMB_INFLATED))
                .route("/huge", HostileRoutes.huge(HTML, bytes(String.format(head, "Fifty megabytes")), HUGE_PAGE))
                .route("/nested", html(String.format(head, "Nested") + "<div>".repeat(NESTING) + "deepest text" + "</div>".repeat(NESTING)))
                .route("/malformed", html("<html><head><title>Malformed</title><body><p>unclosed <b>bold <i>italic</b> misnested</i>"
                        + "<a href='/malformed-target'>ok link<a href=\"javascript:alert(1)\">js</a><a href='http://[::1'>broken</a>"
                        + "<a href='mailto:x@example.com'>mail</a><div <div>> &bogus; &#xFFFFFFFF; &#0; NUL\u0000here"
                        + "<table><td><tr><form><select><option>opt<table></select><svg><math><p>after</svg>"
                        + "<!-- unterminated comment"))
                .route("/malformed-target", html(String.format(head, "Malformed target") + "reached</body></html>"))
                .route("/charset/bogus-header", HostileRoutes.bytes("text/html; charset=x-no-such-charset-42",
                        bytes(String.format(head, "Bogus header charset") + "café</body></html>")))
                .route("/charset/wrong-bytes", HostileRoutes.bytes("text/html; charset=utf-8",
                        (String.format(head, "Wrong bytes") + "caf\u00e9 na\u00efve</body></html>").getBytes(StandardCharsets.ISO_8859_1)))
                .route("/charset/bogus-meta", HostileRoutes.bytes("text/html",
                        bytes("<html><head><meta charset=\"&lt;&gt;!!bogus\"><title>Bogus meta charset</title></head><body>meta café</body></html>")))
                .route("/broken-gzip", HostileRoutes.brokenGzip())
                .route("/pdf", HostileRoutes.bytes("application/pdf", fakePdf))
                .route("/doc", HostileRoutes.bytes("application/msword", bytes("\u00d0\u00cf\u0011\u00e0 not a page")))
                .route("/many-links", html(String.format(head, "Ten thousand links") + manyLinks() + "</body></html>"))
                .route("/trap/*", html(String.format(head, "Trap") + "<a href=\"a/\">deeper</a></body></html>"))
                .route("/cal/*", HostileWeb::calendar)
                .route("/img/bomb.png", HostileRoutes.bytes("image/png", bombPng))
                .route("/img/corrupt.png", HostileRoutes.bytes("image/png", corruptPng))
                .route("/img/truncated.png", HostileRoutes.bytes("image/png", truncatedPng))
                .route("/img/html-as.png", HostileRoutes.bytes("image/png", htmlAsPng))
                .route("/img/text-html.png", HostileRoutes.bytes("text/html", htmlAsPng))
                .route("/img/gzip-bomb.png", HostileRoutes.gzipBomb("image/png", okPng, BOMB_INFLATED))
                .route("/img/ok.png", HostileRoutes.bytes("image/png", okPng));
        drip.route("/drip", HostileRoutes.drip(60));
        endless.route("/endless", HostileRoutes.endless(HTML, bytes(String.format(head, "Endless"))))
                .route("/endless.png", HostileRoutes.endless("image/png", okPng));
        redirects.route("/", html(String.format(head, "Redirects") + links("/loop/a", "/self", "/chain/1", "/to-private",
                        "/to-metadata", "/to-192", "/to-mapped") + "</body></html>"))
                .route("/loop/a", HostileRoutes.redirect(302, "/loop/b"))
                .route("/loop/b", HostileRoutes.redirect(302, "/loop/a"))
                .route("/self", HostileRoutes.redirect(301, "/self"))
                .route("/chain/*", ex -> {
                    int n = Integer.parseInt(ex.http.getRequestURI().getPath().substring("/chain/".length()));
                    ex.send(302, "text/html", new byte[0], "Location", "/chain/" + (n + 1));
                })
                .route("/to-private", HostileRoutes.redirect(302, "http://10.0.0.1/"))
                .route("/to-metadata", HostileRoutes.redirect(302, "http://169.254.169.254/latest/meta-data/"))
                .route("/to-192", HostileRoutes.redirect(307, "http://192.168.1.1/admin"))
                .route("/to-mapped", HostileRoutes.redirect(302, "http://[::ffff:10.0.0.1]/"));
        robots500.route("/robots.txt", HostileRoutes.status(500)).route("/page", html(String.format(head, "Behind robots 500")));
        robotsHang.route("/robots.txt", HostileRoutes.hang(robotsHang)).route("/page", html(String.format(head, "Behind hanging robots")));
        robotsHuge.route("/robots.txt", HostileRoutes.huge("text/plain", bytes("User-agent: *\nDisallow: /secret\n"), 20L << 20))
                .route("/", html(String.format(head, "Huge robots") + links("/secret", "/ok") + "</body></html>"))
                .route("/secret", html(String.format(head, "Secret")))
                .route("/ok", html(String.format(head, "Ok")));
        robotsToPrivate.route("/robots.txt", HostileRoutes.redirect(302, "http://10.0.0.1/robots.txt"))
                .route("/page", html(String.format(head, "Robots redirect to a private address")));
        tooMany.route("/", HostileRoutes.tooManyRequests(1, 2, html(String.format(head, "Patience rewarded") + "</body></html>")));
        leaves.route("/n/*", html("<html><head><title>Leaf</title></head><body>leaf</body></html>"));
        raw.reply("/garbage", "THIS IS NOT HTTP AT ALL\r\n\r\n")
                .reply("/short", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body>short");
    }

    /** Every seed: one entry page per host. */
    List<String> seeds() {
        return List.of(good.seedUrl(), content.url("/"), drip.url("/drip"), endless.url("/endless"), redirects.url("/"),
                robots500.url("/page"), robotsHang.url("/page"), robotsHuge.url("/"), robotsToPrivate.url("/page"),
                tooMany.url("/"), raw.url("/garbage"), raw.url("/short"));
    }

    /** Host keys the crawl may follow pages on (seeds' hosts plus the leaf host of the link flood). */
    List<String> hosts() {
        List<String> hosts = new ArrayList<>();
        for (String seed : seeds()) {
            hosts.add(seed.replaceFirst("^http://", "").replaceFirst("/.*$", ""));
        }
        hosts.add(leaves.hostKey());
        return hosts.stream().distinct().toList();
    }

    private String manyLinks() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < LINKS; i++) {
            b.append("<a href=\"").append(leaves.url("/n/" + i)).append("\">").append(i).append("</a>\n");
        }
        return b.toString();
    }

    /** An endless calendar: every month links the next and previous month and the same month a year apart. */
    private static void calendar(HostileServer.Exchange ex) throws java.io.IOException {
        String[] ym = ex.http.getRequestURI().getPath().substring("/cal/".length()).split("/");
        int y = Integer.parseInt(ym[0]);
        int m = Integer.parseInt(ym[1]);
        String page = "<html><head><title>Calendar " + y + "-" + m + "</title></head><body>" + links(
                "/cal/" + y + "/" + (m + 1), "/cal/" + y + "/" + (m - 1), "/cal/" + (y + 1) + "/" + m, "/cal/" + (y - 1) + "/" + m)
                + "</body></html>";
        ex.send(200, HTML, bytes(page));
    }

    private static String links(String... paths) {
        StringBuilder b = new StringBuilder();
        for (String p : paths) {
            b.append("<a href=\"").append(p).append("\">").append(p).append("</a> ");
        }
        return b.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (AutoCloseable c : List.<AutoCloseable>of(content, drip, endless, redirects, robots500, robotsHang, robotsHuge,
                robotsToPrivate, tooMany, leaves, raw, good)) {
            try {
                c.close();
            } catch (Exception e) {
                // closing test servers
            }
        }
    }
}
