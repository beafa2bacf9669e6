/**
 * What one task produces ({@link dev.crawlocr.fetcher.outcome.Outcome}: its result, discovered links and image bytes)
 * and the {@link dev.crawlocr.fetcher.outcome.Emitter} that produces it to {@code crawl.discovered}, {@code crawl.images}
 * and {@code crawl.pages}.
 */
package dev.crawlocr.fetcher.outcome;
