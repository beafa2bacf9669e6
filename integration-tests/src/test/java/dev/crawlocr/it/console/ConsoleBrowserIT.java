package dev.crawlocr.it.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.crawlocr.common.config.CommonConfig;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.ctl.ConsoleServer;
import dev.crawlocr.ctl.CrawlJobs;
import dev.crawlocr.devkit.Postgres;
import dev.crawlocr.devkit.TestServices;
import dev.crawlocr.localcluster.DemoSite;
import dev.crawlocr.localcluster.LocalCluster;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The web console in a real browser (headless Chromium from the OS's packages), against a real crawl on a local
 * cluster of separate processes: a generated site, and a hostile one whose title, text and links hold markup and a
 * {@code javascript:} URL and whose one image holds words drawn at known pixel positions. The chart of the crawl's
 * page must grow while the crawl runs, the word boxes drawn over the image must cover the words where the browser
 * shows them, and nothing crawled may execute. Screenshots of the crawl and image views go to target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    static final String TITLE = "<script>alert(1)</script>\"><img src=x onerror=alert(2)> prices";
    /** Words the generated site never uses, so a search for one finds this image alone. */
    static final List<String> WORDS = List.of("orchid", "walnut", "glacier");

    LocalCluster cluster;
    Postgres pg;
    String dbUrl;
    CrawlJobs jobs;
    DemoSite demo;
    HttpServer hostile;
    ConsoleServer console;
    Browser browser;
    String crawlId;
    /** Where each word of the image was drawn, in image pixels. */
    final Map<String, Rectangle> drawn = new LinkedHashMap<>();

    @BeforeAll
    void start() throws Exception {
        pg = TestServices.postgres();
        dbUrl = pg.createDatabase("console");
        Path home = Path.of(System.getProperty("crawlocr.home", "..")).toAbsolutePath().normalize();
        cluster = new LocalCluster(Files.createTempDirectory("crawlocr-console"), home);
        cluster.start(new LocalCluster.Spec(1, 1, 1, false, 0, dbUrl, pg.user(), pg.password(),
                Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.0/8", "ANALYZER_WORKERS", "1")));
        CommonConfig kafka = new CommonConfig(cluster.bootstrapServers(), true, 24, 10 << 20, 0, "console-test");
        jobs = new CrawlJobs(kafka);
        demo = DemoSite.start(60, 6);
        hostile = hostileSite(wordsImage());
        console = new ConsoleServer("127.0.0.1", 0, null, this::db, jobs::stop, cluster.bootstrapServers(), 10 << 20);
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {browser, console, demo}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing what the test started
            }
        }
        if (hostile != null) {
            hostile.stop(0);
        }
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    @Order(1)
    void theCrawlViewsChartGrowsWhileTheCrawlRuns() throws Exception {
        crawlId = "console-" + Long.toHexString(System.nanoTime());
        jobs.start(new CrawlJob(CrawlJob.SCHEMA, crawlId, CrawlJob.State.RUNNING, List.of(demo.seedUrl(), hostileUrl("/index.html")),
                new CrawlScope(List.of(), List.of(), List.of(), List.of(), 20, 0, 0, null, true, 0, true),
                new Politeness(150, 1, 0, 0, 0, 0, 0), new OcrSettings("eng", null, null, null), Instant.now()));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            browser.driver.get(url("/crawls/" + crawlId));
            return browser.driver.findElement(By.id("throughput-chart")) != null;
        });
        int first = points();
        await().atMost(Duration.ofSeconds(30)).until(() -> points() >= first + 3);
        assertThat(field("state")).as("the crawl still runs while its chart grows").isEqualTo("RUNNING");
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.parseLong(field("pages")) > 0);
        assertThat(browser.driver.findElement(By.cssSelector("polyline[data-series=pages]")).getAttribute("points")).isNotBlank();
        browser.screenshot("console-crawl");

        Optional<CrawlEvent> done = jobs.awaitCompletion(crawlId, Duration.ofMinutes(4), null);
        assertThat(done).as("completion event").isPresent();
        await().atMost(Duration.ofSeconds(10)).until(() -> field("state").equals("FINISHED"));
        assertNothingExecuted();
    }

    @Test
    @Order(2)
    void theImageViewDrawsEachWordsBoxOverTheWordItself() throws Exception {
        browser.driver.get(url("/search?q=" + URLEncoder.encode(WORDS.getFirst(), StandardCharsets.UTF_8)));
        WebElement hit = browser.driver.findElements(By.cssSelector("#results a")).stream()
                .filter(a -> a.getAttribute("href").contains("/images/")).findFirst()
                .orElseThrow(() -> new AssertionError("no image among the search results: " + browser.driver.getPageSource()));
        hit.click();
        WebElement img = browser.driver.findElement(By.cssSelector("#ocr-image img"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(
                browser.driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", img)));
        WebElement overlay = browser.driver.findElement(By.id("word-boxes"));
        await("the word boxes laid out over the image").atMost(Duration.ofSeconds(10)).until(() -> {
            org.openqa.selenium.Rectangle i = img.getRect();
            org.openqa.selenium.Rectangle o = overlay.getRect();
            return i.getWidth() > 0 && Math.abs(i.getX() - o.getX()) <= 1 && Math.abs(i.getY() - o.getY()) <= 1
                    && Math.abs(i.getWidth() - o.getWidth()) <= 1 && Math.abs(i.getHeight() - o.getHeight()) <= 1;
        });
        long natural = (Long) browser.driver.executeScript("return arguments[0].naturalWidth", img);
        org.openqa.selenium.Rectangle shown = img.getRect();
        double scale = shown.getWidth() / (double) natural;
        List<WebElement> boxes = browser.driver.findElements(By.cssSelector("#word-boxes rect.word-box"));
        for (String word : WORDS) {
            WebElement box = boxes.stream().filter(b -> word.equalsIgnoreCase(b.getAttribute("data-word"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no box for " + word + " among " + boxes.size()));
            Rectangle expected = drawn.get(word);
            org.openqa.selenium.Rectangle onScreen = box.getRect();
            Rectangle inImage = new Rectangle((int) Math.round((onScreen.getX() - shown.getX()) / scale),
                    (int) Math.round((onScreen.getY() - shown.getY()) / scale), (int) Math.round(onScreen.getWidth() / scale),
                    (int) Math.round(onScreen.getHeight() / scale));
            assertThat(overlap(inImage, expected)).as("%s: box on screen %s (in image pixels %s), drawn at %s", word, onScreen, inImage, expected)
                    .isGreaterThan(0.6);
        }
        assertThat(browser.driver.findElement(By.id("ocr-text")).getText()).containsIgnoringCase(String.join(" ", WORDS));
        browser.screenshot("console-image");
        assertNothingExecuted();
    }

    @Test
    @Order(3)
    void crawledMarkupAndJavascriptUrlsAreShownAsTextEverywhere() {
        for (String path : List.of("/", "/crawls/" + crawlId, "/search?q=prices", "/urls?u=" + URLEncoder.encode(hostileUrl("/index.html"),
                StandardCharsets.UTF_8))) {
            browser.driver.get(url(path));
            assertNothingExecuted();
        }
        assertThat(browser.driver.findElement(By.tagName("body")).getText()).as("the history of the hostile page").contains(TITLE);
        browser.driver.get(url("/search?q=prices"));
        // the snippet (PostgreSQL's ts_headline) leaves out what it parses as tags; the rest shows as text
        assertThat(browser.driver.findElement(By.id("results")).getText()).contains("\"><img src=x onerror=alert(2)> prices");
        assertNothingExecuted();
    }

    /** No dialog opened, no injected element exists, and the only scripts are the console's own file. */
    private void assertNothingExecuted() {
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.driver.findElements(By.cssSelector("img[src='x'], img[onerror]"))).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("a[href^='javascript:' i]"))).isEmpty();
        for (WebElement script : browser.driver.findElements(By.tagName("script"))) {
            assertThat(script.getAttribute("src")).as("a script element").endsWith("/static/console.js");
        }
    }

    private int points() {
        return Integer.parseInt(browser.driver.findElement(By.id("throughput-chart")).getAttribute("data-points"));
    }

    private String field(String name) {
        return browser.driver.findElement(By.cssSelector("#crawl [data-field='" + name + "']")).getText();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + console.port() + path;
    }

    private String hostileUrl(String path) {
        return "http://127.0.0.1:" + hostile.getAddress().getPort() + path;
    }

    private Connection db() {
        try {
            Connection c = DriverManager.getConnection(dbUrl, pg.user(), pg.password());
            c.setReadOnly(true);
            return c;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Three words in black on white; each is also drawn alone, to find its pixels. */
    private byte[] wordsImage() throws Exception {
        int width = 900;
        int height = 220;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 56);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int x = 40;
        for (String word : WORDS) {
            BufferedImage alone = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB); // black
            Graphics2D a = alone.createGraphics();
            for (Graphics2D target : List.of(g, a)) {
                target.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                target.setFont(font);
                target.setColor(target == g ? Color.BLACK : Color.WHITE);
                target.drawString(word, x, 130);
            }
            drawn.put(word, litPixels(alone));
            x += g.getFontMetrics().stringWidth(word) + 60;
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    /** The bounds of the pixels a word drawn alone in white on black lit. */
    private static Rectangle litPixels(BufferedImage alone) {
        Rectangle r = null;
        for (int y = 0; y < alone.getHeight(); y++) {
            for (int x = 0; x < alone.getWidth(); x++) {
                if ((alone.getRGB(x, y) & 0xFFFFFF) != 0) {
                    r = r == null ? new Rectangle(x, y, 1, 1) : r.union(new Rectangle(x, y, 1, 1));
                }
            }
        }
        return r;
    }

    /** Intersection over union of two boxes. */
    private static double overlap(Rectangle a, Rectangle b) {
        Rectangle i = a.intersection(b);
        if (i.isEmpty()) {
            return 0;
        }
        double inter = (double) i.width * i.height;
        return inter / ((double) a.width * a.height + (double) b.width * b.height - inter);
    }

    private static HttpServer hostileSite(byte[] png) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body;
            String type;
            if (path.equals("/words.png")) {
                body = png;
                type = "image/png";
            } else if (path.equals("/index.html")) {
                body = ("<html><head><title>" + TITLE.replace("<", "&lt;") + "</title></head><body><p>" + TITLE.replace("<", "&lt;")
                        + "</p><a href=\"javascript:alert(3)\">run</a> <a href=\"/p?x=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(4)%3E\">odd</a>"
                        + "<img src=\"/words.png\" alt=\"words\"></body></html>").getBytes(StandardCharsets.UTF_8);
                type = "text/html; charset=utf-8";
            } else if (path.equals("/p")) {
                body = "<html><head><title>\"><img src=x onerror=alert(5)></title></head><body>odd page</body></html>".getBytes(StandardCharsets.UTF_8);
                type = "text/html; charset=utf-8";
            } else {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }
}
