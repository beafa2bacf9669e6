/**
 * The handling of a 2xx body: content-type and image-signature checks, page parsing, and the in-scope links and
 * images a page contributes to its outcome.
 */
package dev.crawlocr.fetcher.content;
