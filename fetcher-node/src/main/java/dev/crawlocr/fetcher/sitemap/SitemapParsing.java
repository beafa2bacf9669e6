package dev.crawlocr.fetcher.sitemap;

import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import crawlercommons.sitemaps.UnknownFormatException;
import dev.crawlocr.fetcher.content.ContentHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Parses one sitemap body with crawler-commons' {@link SiteMapParser}: an XML sitemap, a sitemap index, a text sitemap
 * (one URL a line) or an RSS or Atom feed, any of them gzipped. A gzipped body is inflated here, up to the size cap,
 * so a small file cannot expand without bound. The parser is lenient about where listed URLs live (the crawl's scope
 * decides that). Stateless and thread-safe.
 */
public final class SitemapParsing {

    /**
     * A parsed sitemap.
     *
     * @param index true for a sitemap index: {@code urls} are sitemaps, not pages
     * @param urls  the listed URLs, in document order, at most the cap given to {@link #parse}
     * @param found how many the sitemap listed, before the cap
     */
    public record Parsed(boolean index, List<String> urls, int found) {
    }

    /** The body is not a sitemap this parser reads, or too large once inflated; the message says which. */
    public static final class MalformedSitemapException extends Exception {
        public MalformedSitemapException(String message) {
            super(message);
        }
    }

    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};

    private final long maxBytes;
    private final int maxUrls;

    /**
     * @param maxBytes the largest body accepted, after inflation (FETCHER_SITEMAP_MAX_BYTES)
     * @param maxUrls  the most URLs kept from one sitemap (FETCHER_SITEMAP_MAX_URLS)
     */
    public SitemapParsing(long maxBytes, int maxUrls) {
        this.maxBytes = maxBytes;
        this.maxUrls = maxUrls;
    }

    /** Parses {@code body}, fetched from {@code url}; gzip is recognized by its signature, whatever the content type. */
    public Parsed parse(String url, byte[] body) throws MalformedSitemapException {
        byte[] plain = isGzip(body) ? gunzip(body) : body;
        String type = ContentHandler.looksLikeMarkup(plain) ? "application/xml" : "text/plain";
        if (type.equals("text/plain") && !looksLikeText(plain)) {
            throw new MalformedSitemapException("neither XML nor a text sitemap (binary content)");
        }
        AbstractSiteMap parsed;
        try {
            parsed = new SiteMapParser(false).parseSiteMap(type, plain, toUrl(url));
        } catch (UnknownFormatException e) {
            throw new MalformedSitemapException("not a sitemap: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new MalformedSitemapException("unreadable sitemap: " + e);
        }
        List<String> urls = new ArrayList<>();
        int found = 0;
        if (parsed instanceof SiteMapIndex index) {
            for (AbstractSiteMap child : index.getSitemaps()) {
                found++;
                if (urls.size() < maxUrls) {
                    urls.add(child.getUrl().toString());
                }
            }
            return new Parsed(true, urls, found);
        }
        for (SiteMapURL u : ((SiteMap) parsed).getSiteMapUrls()) {
            found++; // also those outside the sitemap's directory (not "valid" to the protocol): the crawl's scope decides
            if (urls.size() < maxUrls) {
                urls.add(u.getUrl().toString());
            }
        }
        if (found == 0 && type.equals("text/plain")) {
            throw new MalformedSitemapException("not a sitemap: no XML and no URL lines");
        }
        return new Parsed(false, urls, found);
    }

    private static URL toUrl(String url) throws MalformedSitemapException {
        try {
            return URI.create(url).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new MalformedSitemapException("invalid sitemap URL: " + url);
        }
    }

    static boolean isGzip(byte[] body) {
        return body.length >= 2 && body[0] == GZIP_MAGIC[0] && body[1] == GZIP_MAGIC[1];
    }

    private byte[] gunzip(byte[] body) throws MalformedSitemapException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(body.length * 4, 1 << 20));
            byte[] buf = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new MalformedSitemapException("larger than FETCHER_SITEMAP_MAX_BYTES (" + maxBytes + " bytes) once decompressed");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new MalformedSitemapException("corrupt gzip: " + e.getMessage());
        }
    }

    /** No NUL byte in the first KB: text, not binary. */
    private static boolean looksLikeText(byte[] body) {
        for (int i = 0; i < Math.min(body.length, 1024); i++) {
            if (body[i] == 0) {
                return false;
            }
        }
        return true;
    }
}
