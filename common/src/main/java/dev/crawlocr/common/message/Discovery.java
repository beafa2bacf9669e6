package dev.crawlocr.common.message;

import java.util.Locale;

/** How a URL came into its crawl: one of the crawl's seeds (or its URL list), a link of a page, or a sitemap entry. */
public enum Discovery {
    SEED,
    LINK,
    SITEMAP;

    /** The lower-case name stored in {@code urls.discovery} and shown by crawlctl. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
