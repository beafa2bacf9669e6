package dev.crawlocr.localcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A generated web site served on a loopback address: {@code pages} HTML pages linked as a tree with cross links,
 * and one image per {@code pagesPerImage} pages: an 8-bit grayscale PNG of 1-5 lines of text, each line in its own
 * shade, as {@link TextDesigns} makes them, so the text OCR should find is known. Everything is deterministic for a
 * given seed. Every request is logged with its arrival time, so tests
 * can count duplicate fetches and check politeness gaps. The same site can also be written out as files
 * ({@link #unserved}, {@link #writeTo}) for another web server to serve.
 */
public final class DemoSite implements AutoCloseable {
    private static final String[] WORDS = {
        "harbor", "silver", "market", "garden", "window", "purple", "canvas", "rocket", "forest", "bridge",
        "winter", "summer", "planet", "copper", "marble", "island", "valley", "signal", "anchor", "lantern",
        "meadow", "castle", "pepper", "violet", "thunder", "crystal", "ribbon", "orange", "falcon", "monday",
        "kettle", "saddle", "pillow", "carpet", "button", "cobalt", "tunnel", "engine", "museum", "velvet",
    };

    private static final String ROBOTS = "User-agent: *\nDisallow: /private/\n";

    /** One request as the server saw it. */
    public record Request(String path, long atNanos) {
    }

    private final HttpServer server;
    private final String base;
    private final int pages;
    private final Map<String, TextDesigns.Design> imageDesigns = new LinkedHashMap<>();
    private final Map<String, byte[]> images = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Request> log = new ConcurrentLinkedQueue<>();
    private final int pagesPerImage;
    private final boolean index;
    private volatile long latencyMs;

    private DemoSite(String address, int port, int pages, int pagesPerImage, long seed, boolean korean, boolean index, boolean serve) {
        this.pages = pages;
        this.pagesPerImage = pagesPerImage;
        this.index = index;
        if (serve) {
            try {
                server = HttpServer.create(new InetSocketAddress(address, port), 128);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot serve the demo site on " + address + ":" + port, e);
            }
            base = "http://" + address + ":" + server.getAddress().getPort();
        } else {
            server = null;
            base = "http://" + address + ":" + port;
        }
        List<TextDesigns.Design> designs = TextDesigns.generate((pages + pagesPerImage - 1) / pagesPerImage, seed, 11, korean);
        for (int i = 0; i < pages; i += pagesPerImage) {
            imageDesigns.put(base + "/img/" + i + ".png", designs.get(i / pagesPerImage));
        }
        if (server != null) {
            server.createContext("/", this::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }
    }

    /** Starts a site with {@code pages} pages and one image per {@code pagesPerImage} pages on 127.0.0.1. */
    public static DemoSite start(int pages, int pagesPerImage) {
        return start("127.0.0.1", 0, pages, pagesPerImage, 42);
    }

    /** A site whose images are all in Latin script. */
    public static DemoSite start(String address, int port, int pages, int pagesPerImage, long seed) {
        return new DemoSite(address, port, pages, pagesPerImage, seed, false, false, true);
    }

    /**
     * The site {@link #start} or, with {@code index}, {@link #withIndex} would serve on {@code address:port}, not
     * served: {@link #writeTo} writes its files for another web server to serve there, and {@link #requests} stays
     * empty.
     */
    public static DemoSite unserved(String address, int port, int pages, int pagesPerImage, long seed, boolean index) {
        return new DemoSite(address, port, pages, pagesPerImage, seed, false, index, false);
    }

    /**
     * A site whose page 0 is an index that also links every other page, so the whole site is one hop from the seed
     * (a flat site: {@code pages - 1} pages linked from one index). Images are in Latin script.
     */
    public static DemoSite withIndex(String address, int port, int pages, int pagesPerImage, long seed) {
        return new DemoSite(address, port, pages, pagesPerImage, seed, false, true, true);
    }

    /** A site whose images are 70% Latin, 20% Hangul and 10% mixed, as {@link TextDesigns#generate} writes them. */
    public static DemoSite withKorean(String address, int port, int pages, int pagesPerImage, long seed) {
        return new DemoSite(address, port, pages, pagesPerImage, seed, true, false, true);
    }

    /** Every response from now on waits {@code latency} before it is sent: a slow host. */
    public DemoSite withLatency(Duration latency) {
        this.latencyMs = latency.toMillis();
        return this;
    }

    /** The seed URL: page 0. */
    public String seedUrl() {
        return pageUrl(0);
    }

    public String baseUrl() {
        return base;
    }

    public String pageUrl(int i) {
        return base + "/page/" + i + ".html";
    }

    public List<String> pageUrls() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            urls.add(pageUrl(i));
        }
        return urls;
    }

    /** Image URL to the exact text rendered into it (lines separated by '\n'). */
    public Map<String, String> imageTexts() {
        Map<String, String> texts = new LinkedHashMap<>();
        imageDesigns.forEach((url, design) -> texts.put(url, design.text()));
        return texts;
    }

    /** Image URL to the design rendered into it. */
    public Map<String, TextDesigns.Design> imageDesigns() {
        return Collections.unmodifiableMap(imageDesigns);
    }

    /** How many times each path was requested. */
    public Map<String, Integer> hits() {
        Map<String, Integer> m = new LinkedHashMap<>();
        hits.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public List<Request> requests() {
        return List.copyOf(log);
    }

    /**
     * Writes the site under {@code root} as a static server would serve it: {@code robots.txt},
     * {@code page/N.html} and {@code img/N.png}, with the content this class serves at the same paths. ("/"
     * redirects to page 0 here; a static server needs that as a rule of its own.)
     */
    public void writeTo(Path root) throws IOException {
        Files.createDirectories(root.resolve("page"));
        Files.createDirectories(root.resolve("img"));
        Files.writeString(root.resolve("robots.txt"), ROBOTS);
        for (int i = 0; i < pages; i++) {
            Files.writeString(root.resolve("page/" + i + ".html"), page(i));
        }
        for (Map.Entry<String, TextDesigns.Design> image : imageDesigns.entrySet()) {
            Files.write(root.resolve(image.getKey().substring(base.length() + 1)), GrayPng.encode(image.getValue().render()));
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        log.add(new Request(path, System.nanoTime()));
        hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        try (ex) {
            if (latencyMs > 0) {
                try {
                    Thread.sleep(latencyMs); // the server's own slowness, on the request's virtual thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (path.equals("/robots.txt")) {
                send(ex, 200, "text/plain", ROBOTS.getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/")) {
                send(ex, 301, "text/html", new byte[0], "Location", pageUrl(0));
            } else if (path.startsWith("/page/") && path.endsWith(".html")) {
                int i = parse(path.substring(6, path.length() - 5));
                if (i < 0 || i >= pages) {
                    send(ex, 404, "text/html", "<html><body>not found</body></html>".getBytes(StandardCharsets.UTF_8));
                } else {
                    send(ex, 200, "text/html; charset=utf-8", page(i).getBytes(StandardCharsets.UTF_8));
                }
            } else if (path.startsWith("/img/") && imageDesigns.containsKey(base + path)) {
                byte[] png = images.computeIfAbsent(path, p -> GrayPng.encode(imageDesigns.get(base + p).render()));
                send(ex, 200, "image/png", png);
            } else {
                send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private String page(int i) {
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Demo page ").append(i).append("</title></head><body>");
        b.append("<h1>Demo page ").append(i).append("</h1><p>This is page number ").append(i)
                .append(" of the generated demo site. It talks about ").append(WORDS[i % WORDS.length]).append(" and ")
                .append(WORDS[(i * 7 + 3) % WORDS.length]).append(".</p><ul>");
        for (int child : new int[] {2 * i + 1, 2 * i + 2, (i * 31 + 17) % pages, 0, i + 1}) {
            if (child < pages && child != i) {
                b.append("<li><a href=\"/page/").append(child).append(".html#top\">page ").append(child).append("</a></li>");
            }
        }
        if (index && i == 0) {
            for (int p = 1; p < pages; p++) {
                b.append("<li><a href=\"/page/").append(p).append(".html\">page ").append(p).append("</a></li>");
            }
        }
        b.append("</ul>");
        int img = i - i % pagesPerImage;
        b.append("<img src=\"../img/").append(img).append(".png\" alt=\"figure\">");
        b.append("<a href=\"/private/secret.html\">private</a>");
        b.append("</body></html>");
        return b.toString();
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, String... headers) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            ex.getResponseHeaders().set(headers[i], headers[i + 1]);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
