package dev.crawlocr.ctl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The console's HTML building blocks. Every string that comes from a crawl (titles, text, URLs, reasons, hosts) or a
 * request goes through {@link #escape}, and only http(s) URLs become links ({@link #link}).
 */
final class Html {

    /** {@code s} safe as HTML text and as a quoted attribute value; null is "". */
    static String escape(Object s) {
        if (s == null) {
            return "";
        }
        String in = s.toString();
        StringBuilder b = new StringBuilder(in.length() + 16);
        for (int i = 0; i < in.length(); i++) {
            char c = in.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Whether {@code url} may be placed in an {@code href}: an absolute http:// or https:// URL. */
    static boolean isWebUrl(String url) {
        if (url == null) {
            return false;
        }
        String u = url.strip().toLowerCase(Locale.ROOT);
        return (u.startsWith("http://") || u.startsWith("https://")) && url.equals(url.strip());
    }

    /** A link to the web URL {@code url} showing {@code text}; any other URL is shown as text, not linked. */
    static String link(String url, String text) {
        return isWebUrl(url) ? "<a href=\"" + escape(url) + "\" rel=\"noreferrer noopener\">" + escape(text) + "</a>" : escape(text);
    }

    /** A link to a console path ({@code path} built by the console from escaped query values). */
    static String local(String path, String text) {
        return "<a href=\"" + escape(path) + "\">" + escape(text) + "</a>";
    }

    /** {@code s} as a URL query value or path segment. */
    static String q(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The console's page around {@code body}, titled {@code title} (escaped here). */
    static String page(String title, String body) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s · crawlocr console</title>
                <style>
                body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
                table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
                nav a{margin-right:1em}mark{background:#ffe066}.ocr{display:flex;gap:2em;align-items:flex-start}
                .ocr-image{position:relative;display:inline-block;max-width:60%%}.ocr-image img{display:block;max-width:100%%;height:auto}
                .ocr-image svg{position:absolute;left:0;top:0;width:100%%;height:100%%}pre{white-space:pre-wrap}
                .bar{background:#eee;width:200px;height:10px;display:inline-block}.bar span{background:#4a4;height:10px;display:block}
                </style></head><body>
                <nav><a href="/">crawls</a><form action="/search" method="get" style="display:inline"><input name="q" placeholder="search text">
                <button>search</button></form> <form action="/urls" method="get" style="display:inline"><input name="u" placeholder="URL">
                <button>history</button></form></nav>
                <h1>%s</h1>
                %s
                <script src="/static/console.js"></script>
                </body></html>
                """.formatted(escape(title), escape(title), body);
    }

    private Html() {
    }
}
