/** The fetcher's meters, in one class that every stage records to. */
package dev.crawlocr.fetcher.metrics;
