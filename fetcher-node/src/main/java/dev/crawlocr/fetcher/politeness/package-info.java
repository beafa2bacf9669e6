/**
 * Per-host politeness: the gate that spaces the requests to one host, and {@link dev.crawlocr.fetcher.politeness.PoliteRequests},
 * the only way a request is sent, which refuses one that may not go out with {@link dev.crawlocr.fetcher.politeness.NotAttempted}.
 */
package dev.crawlocr.fetcher.politeness;
