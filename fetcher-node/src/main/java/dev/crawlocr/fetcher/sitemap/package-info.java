/** Sitemaps: parsing sitemaps, indexes, text sitemaps and feeds, and reading a seed host's sitemaps within a seed's task. */
package dev.crawlocr.fetcher.sitemap;
