package dev.crawlocr.fetcher.parse;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.internal.StringUtil;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Finds the images a page shows: {@code <img src>} (and the common lazy-loading {@code data-src}), the largest
 * {@code srcset} candidate of an {@code img} or {@code <picture><source>}, and {@code og:image}. Inline
 * {@code data:} images (base64 or percent-encoded, in {@code src} or {@code srcset}) are decoded instead of being
 * returned as URLs; one over the size cap or not an image type is dropped. CSS backgrounds are not looked at.
 */
final class ImageRefs {
    private static final Evaluator IMG = QueryParser.parse("img");
    private static final Evaluator PICTURE_SOURCE = QueryParser.parse("picture > source[srcset]");
    private static final Evaluator OG_IMAGE = QueryParser.parse("meta[property=og:image][content], meta[name=og:image][content]");

    record Found(List<String> urls, List<ParsedPage.DataImage> dataImages) {
    }

    private final long dataMaxBytes;

    ImageRefs(long dataMaxBytes) {
        this.dataMaxBytes = dataMaxBytes;
    }

    Found find(Document doc) {
        Set<String> urls = new LinkedHashSet<>();
        List<ParsedPage.DataImage> data = new ArrayList<>();
        for (Element img : doc.select(IMG)) {
            add(img, img.attr("src"), urls, data);
            add(img, img.attr("data-src"), urls, data);
            add(img, largest(img.attr("srcset")), urls, data);
        }
        for (Element source : doc.select(PICTURE_SOURCE)) {
            add(source, largest(source.attr("srcset")), urls, data);
        }
        for (Element meta : doc.select(OG_IMAGE)) {
            add(meta, meta.attr("content"), urls, data);
        }
        return new Found(List.copyOf(urls), data);
    }

    private void add(Element e, String ref, Set<String> urls, List<ParsedPage.DataImage> data) {
        if (ref == null || ref.isBlank()) {
            return;
        }
        String r = ref.trim();
        if (r.regionMatches(true, 0, "data:", 0, 5)) {
            ParsedPage.DataImage img = decode(r);
            if (img != null && data.stream().noneMatch(d -> java.util.Arrays.equals(d.bytes(), img.bytes()))) {
                data.add(img);
            }
            return;
        }
        String abs = StringUtil.resolve(e.baseUri(), r);
        if (!abs.isEmpty()) {
            urls.add(abs);
        }
    }

    /**
     * The largest candidate of a srcset: by width descriptor ({@code 800w}), else by density ({@code 2x}); a
     * candidate without a descriptor counts as 1x. Null when empty. Parsed as the HTML spec does: a URL runs to
     * the next whitespace (so the commas of a {@code data:} URI are kept), then descriptors run to the next comma.
     */
    static String largest(String srcset) {
        if (srcset == null || srcset.isBlank()) {
            return null;
        }
        String best = null;
        double bestScore = -1;
        int i = 0;
        int n = srcset.length();
        while (i < n) {
            while (i < n && (Character.isWhitespace(srcset.charAt(i)) || srcset.charAt(i) == ',')) {
                i++;
            }
            int urlStart = i;
            while (i < n && !Character.isWhitespace(srcset.charAt(i))) {
                i++;
            }
            String url = srcset.substring(urlStart, i);
            String descriptor = "";
            if (url.endsWith(",")) {
                url = url.replaceAll(",+$", "");
            } else {
                int dStart = i;
                while (i < n && srcset.charAt(i) != ',') {
                    i++;
                }
                descriptor = srcset.substring(dStart, i).trim().toLowerCase(Locale.ROOT);
            }
            if (url.isEmpty()) {
                continue;
            }
            double score = score(descriptor);
            if (score > bestScore) {
                bestScore = score;
                best = url;
            }
        }
        return best;
    }

    private static double score(String descriptor) {
        try {
            if (descriptor.endsWith("w")) {
                return 1_000_000 + Double.parseDouble(descriptor.substring(0, descriptor.length() - 1));
            }
            if (descriptor.endsWith("x")) {
                return Double.parseDouble(descriptor.substring(0, descriptor.length() - 1));
            }
        } catch (NumberFormatException ignored) {
            // an unreadable descriptor counts as 1x
        }
        return 1;
    }

    /** Decodes a data: image URI; null when it is not an image, malformed or over the cap. */
    ParsedPage.DataImage decode(String uri) {
        int comma = uri.indexOf(',');
        if (comma < 0) {
            return null;
        }
        String meta = uri.substring(5, comma).toLowerCase(Locale.ROOT);
        String type = meta.split(";")[0].trim();
        if (!type.startsWith("image/") || type.equals("image/svg+xml")) {
            return null;
        }
        String payload = uri.substring(comma + 1);
        if ((long) payload.length() * 3 / 4 > dataMaxBytes) {
            return null;
        }
        try {
            byte[] bytes = meta.endsWith(";base64")
                    ? Base64.getMimeDecoder().decode(payload)
                    : java.net.URLDecoder.decode(payload, java.nio.charset.StandardCharsets.ISO_8859_1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            return bytes.length == 0 || bytes.length > dataMaxBytes ? null : new ParsedPage.DataImage(type, bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
