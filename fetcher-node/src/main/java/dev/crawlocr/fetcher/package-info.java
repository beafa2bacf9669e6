/**
 * The fetcher node: its settings ({@link dev.crawlocr.fetcher.FetcherConfig}), the {@link dev.crawlocr.fetcher.FetchEngine}
 * that wires the stages below into one task-in, outcome-out fetcher, and the {@link dev.crawlocr.fetcher.FetcherNode}
 * that runs it between Kafka topics. Sub-packages take their settings through constructors and never depend on this one.
 */
package dev.crawlocr.fetcher;
