-- The scheduler serves each running crawl's hosts in turn: it walks the hosts that have due URLs in host order
-- (a skip scan of this index), counts their unexpired leases and takes each host's oldest due URLs, all from this
-- one index. A round reads the hosts it serves, so its cost does not grow with the registry; URLs without a due
-- time (fetched, failed for good) are not in it.
CREATE INDEX urls_host_due ON urls (crawl_id, host, next_fetch_at) WHERE next_fetch_at IS NOT NULL;

-- Replaced by the index above: due URLs across crawls and per crawl, and leases per host.
DROP INDEX urls_due;
DROP INDEX urls_crawl_due;
DROP INDEX urls_leased_host;
