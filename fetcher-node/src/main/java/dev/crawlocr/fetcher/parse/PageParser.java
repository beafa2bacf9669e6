package dev.crawlocr.fetcher.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Parses HTML with jsoup into a {@link ParsedPage}. The charset is the Content-Type header's when it names a
 * supported one, else what the document declares (BOM, {@code <meta charset>}, {@code http-equiv}), else UTF-8.
 * Links come from {@code a}, {@code area}, {@code frame} and {@code iframe}; images from {@link ImageRefs}.
 * Thread-safe and stateless apart from its limits.
 */
public final class PageParser {
    private static final Evaluator HREF_LINKS = QueryParser.parse("a[href], area[href]");
    private static final Evaluator FRAMES = QueryParser.parse("frame[src], iframe[src]");
    private static final Evaluator ROBOTS_META = QueryParser.parse("meta[name=robots][content]");
    private final int textMaxChars;
    private final ImageRefs imageRefs;

    /** @param textMaxChars visible text kept; @param dataImageMaxBytes largest decoded data: image kept */
    public PageParser(int textMaxChars, long dataImageMaxBytes) {
        this.textMaxChars = textMaxChars;
        this.imageRefs = new ImageRefs(dataImageMaxBytes);
    }

    /** @param contentType the response's Content-Type header, or null */
    public ParsedPage parse(byte[] html, String contentType, String baseUrl) {
        Document doc;
        try {
            doc = Jsoup.parse(new ByteArrayInputStream(html), headerCharset(contentType), baseUrl);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading HTML from memory failed", e); // cannot happen for a byte array
        }
        String title = doc.title();
        String text = doc.body() == null ? "" : doc.body().text();
        boolean cut = text.length() > textMaxChars;
        if (cut) {
            text = text.substring(0, textMaxChars);
        }
        List<String> links = new ArrayList<>();
        for (Element e : doc.select(HREF_LINKS)) {
            addAbs(links, e, "href");
        }
        for (Element e : doc.select(FRAMES)) {
            addAbs(links, e, "src");
        }
        ImageRefs.Found images = imageRefs.find(doc);
        return new ParsedPage(title, text, cut, links, images.urls(), images.dataImages(), noFollow(doc));
    }

    private static boolean noFollow(Document doc) {
        for (Element meta : doc.select(ROBOTS_META)) {
            String c = meta.attr("content").toLowerCase(Locale.ROOT);
            if (c.contains("nofollow") || c.contains("none")) {
                return true;
            }
        }
        return false;
    }

    private static void addAbs(List<String> out, Element e, String attr) {
        String abs = e.absUrl(attr);
        if (!abs.isEmpty()) {
            out.add(abs);
        }
    }

    /** The charset named by a Content-Type header when the JVM supports it; null lets jsoup detect it. */
    static String headerCharset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                String name = p.substring(8).trim().replace("\"", "").replace("'", "");
                try {
                    return Charset.isSupported(name) ? Charset.forName(name).name() : null;
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
