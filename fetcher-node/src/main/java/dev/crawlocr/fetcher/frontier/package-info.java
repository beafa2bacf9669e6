/**
 * Intake from {@code crawl.frontier}: the consumer handler that decodes tasks and hands back revoked partitions, and
 * the bounded per-host queues that start tasks within each host's connection limit and tell the consumer when to pause.
 */
package dev.crawlocr.fetcher.frontier;
