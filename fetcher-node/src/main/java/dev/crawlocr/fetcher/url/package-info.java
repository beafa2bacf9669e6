/**
 * Which URLs are followed: a crawl's scope, the trap guard, the selection of a page's links and images, and what the
 * node remembers per crawl (compiled scopes, redirect hops).
 */
package dev.crawlocr.fetcher.url;
