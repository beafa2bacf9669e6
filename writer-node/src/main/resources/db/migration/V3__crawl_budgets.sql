-- Page caps and the request budget of a crawl are enforced by the scheduler when it leases URLs.

-- Requests charged to the crawl's request budget for this URL: each lease adds the task's allowance, each outcome
-- returns what its task did not send. Only crawls with a request budget charge anything.
ALTER TABLE urls ADD COLUMN requests_charged int NOT NULL DEFAULT 0;
CREATE INDEX urls_charged ON urls (crawl_id) INCLUDE (requests_charged, status, next_fetch_at) WHERE requests_charged > 0;

-- Pages that hold a place under the page caps: leased, fetched, or failed with a retry to come.
CREATE INDEX urls_page_slots ON urls (crawl_id, host) INCLUDE (status, next_fetch_at)
    WHERE kind = 'PAGE' AND status IN ('LEASED', 'FETCHED', 'FETCH_ERROR');
