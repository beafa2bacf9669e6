/**
 * The fetch of one task: lease and crawl checks, robots.txt, the politeness turn, retries and Retry-After, and the
 * outcome of the response (a 3xx as a redirect, a 2xx handed to the content stage, anything else a recorded failure).
 */
package dev.crawlocr.fetcher.task;
