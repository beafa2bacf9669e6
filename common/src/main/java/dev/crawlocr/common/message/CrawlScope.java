package dev.crawlocr.common.message;

import java.util.List;

/**
 * Which URLs a crawl follows. Empty host and domain lists mean "the seeds' hosts". Every field is optional: an
 * absent one takes its value in {@link #defaults()}, given here.
 *
 * @param allowedHosts     exact host names to stay on; default empty
 * @param allowedDomains   registered domains (example.com also allows www.example.com); default empty
 * @param includePatterns  regexes; when not empty a URL must match one; default empty
 * @param excludePatterns  regexes; a URL matching one is dropped; default empty
 * @param maxDepth         link hops from a seed; 0 fetches the seeds only; default 10
 * @param maxPagesPerHost  page cap per host; 0 means unlimited; default 0
 * @param maxPages         page cap for the crawl; 0 means unlimited; default 0
 * @param deniedExtensions file extensions (without dot) never fetched as pages; default (also for null)
 *                         {@link #DEFAULT_DENIED_EXTENSIONS}
 * @param fetchImages      whether images are fetched and OCR'd; default true
 * @param maxOutlinks      links (and, separately, images) followed per page; the rest are dropped and counted; 0 means
 *                         the fetcher node's {@code FETCHER_MAX_OUTLINKS} (1,000 unless configured); default 0
 * @param followLinks      false to fetch exactly the seeds or the listed URLs: no link or image of a page is
 *                         followed (they are counted as dropped by {@code follow-none}); default true
 * @param sitemaps         whether the seeds' hosts' sitemaps (robots.txt {@code Sitemap:} lines and {@code /sitemap.xml})
 *                         are read for more pages; only when links are followed and {@code maxDepth} is above 0;
 *                         default true
 * @param pdfs             whether PDF documents are fetched and read (their text layer, or OCR of their pages); null
 *                         (the default, also for an absent field) follows {@code fetchImages}; see {@link #fetchesPdfs()}
 * @param pdfMaxBytes      largest PDF fetched; a larger one is refused and recorded; must be at least 1; default
 *                         {@link #DEFAULT_PDF_MAX_BYTES} (the fetcher's {@code IMAGE_MAX_BYTES} caps it too)
 */
public record CrawlScope(
        List<String> allowedHosts,
        List<String> allowedDomains,
        List<String> includePatterns,
        List<String> excludePatterns,
        int maxDepth,
        long maxPagesPerHost,
        long maxPages,
        List<String> deniedExtensions,
        boolean fetchImages,
        int maxOutlinks,
        boolean followLinks,
        boolean sitemaps,
        Boolean pdfs,
        long pdfMaxBytes) {

    /** 10 MiB. */
    public static final long DEFAULT_PDF_MAX_BYTES = 10L << 20;

    public static final List<String> DEFAULT_DENIED_EXTENSIONS = List.of(
            "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar", "exe", "msi", "dmg", "iso", "bin", "apk",
            "mp3", "mp4", "m4a", "avi", "mov", "mkv", "wav", "flac", "ogg", "webm", "pdf", "doc", "docx",
            "xls", "xlsx", "ppt", "pptx", "css", "js", "woff", "woff2", "ttf", "eot");

    public CrawlScope {
        allowedHosts = Check.list(allowedHosts);
        allowedDomains = Check.list(allowedDomains);
        includePatterns = Check.list(includePatterns);
        excludePatterns = Check.list(excludePatterns);
        deniedExtensions = deniedExtensions == null ? DEFAULT_DENIED_EXTENSIONS : List.copyOf(deniedExtensions);
        Check.atLeast(maxDepth, 0, "maxDepth");
        Check.atLeast(maxPagesPerHost, 0, "maxPagesPerHost");
        Check.atLeast(maxPages, 0, "maxPages");
        Check.atLeast(maxOutlinks, 0, "maxOutlinks");
        Check.atLeast(pdfMaxBytes, 1, "pdfMaxBytes");
    }

    /** A scope that reads sitemaps, with the PDF fields at their defaults. */
    public CrawlScope(List<String> allowedHosts, List<String> allowedDomains, List<String> includePatterns, List<String> excludePatterns,
                      int maxDepth, long maxPagesPerHost, long maxPages, List<String> deniedExtensions, boolean fetchImages,
                      int maxOutlinks, boolean followLinks) {
        this(allowedHosts, allowedDomains, includePatterns, excludePatterns, maxDepth, maxPagesPerHost, maxPages, deniedExtensions,
                fetchImages, maxOutlinks, followLinks, true, null, DEFAULT_PDF_MAX_BYTES);
    }

    /**
     * Whether the crawl fetches PDFs: {@code pdfs} when set, else {@code fetchImages}. When true, the extension
     * {@code pdf} is never denied; when false, it always is.
     */
    public boolean fetchesPdfs() {
        return pdfs == null ? fetchImages : pdfs;
    }

    /** True when the crawl reads sitemaps: asked to, and following links beyond the seeds. */
    public boolean readsSitemaps() {
        return sitemaps && followLinks && maxDepth > 0;
    }

    /** The scope of a crawl that sets none; absent JSON fields take their values from it. */
    public static CrawlScope defaults() {
        return new CrawlScope(List.of(), List.of(), List.of(), List.of(), 10, 0, 0, null, true, 0, true, true, null, DEFAULT_PDF_MAX_BYTES);
    }
}
