-- Recrawls in cycles. A crawl with a recrawl interval is in cycle 1 until every URL has an outcome, then in cycle 2
-- while each URL is fetched again (a conditional GET with the validators of its last fetch), and so on. A URL's
-- cycle is the crawl's cycle at its last outcome; a cycle is complete when no URL is behind it and nothing is in
-- flight (CompletionWatcher).
ALTER TABLE crawls ADD COLUMN cycle int NOT NULL DEFAULT 1 CHECK (cycle >= 1);

-- content_hash: the SHA-256 hex of the body last stored (kept across 304s); etag and last_modified: the validators
-- it came with. change: what the URL's last outcome found, next to the one before it: 'new' (first content),
-- 'changed' (the hash differs), 'unchanged' (304, or the same hash), 'gone' (404 or 410 where content was) or NULL
-- (no content: an error, a redirect, a denial). A change or a disappearance keeps the previous content's hash and
-- the time it was last fetched in prev_content_hash and prev_fetched_at; changed_at is when the current content
-- was first fetched.
ALTER TABLE urls
    ADD COLUMN cycle             int NOT NULL DEFAULT 1,
    ADD COLUMN content_hash      text,
    ADD COLUMN etag              text,
    ADD COLUMN last_modified     text,
    ADD COLUMN change            text CHECK (change IN ('new', 'changed', 'unchanged', 'gone')),
    ADD COLUMN changed_at        timestamptz,
    ADD COLUMN prev_content_hash text,
    ADD COLUMN prev_fetched_at   timestamptz;
-- The completion check looks for a URL behind the crawl's cycle; the index finds one, or none, without a scan.
CREATE INDEX urls_crawl_cycle ON urls (crawl_id, cycle);

-- One row per completed cycle of a recrawling crawl, with what its fetches found. A cycle starts when the one before
-- it completes (the first when the crawl was created).
CREATE TABLE crawl_cycles (
    crawl_id     text NOT NULL,
    cycle        int NOT NULL,
    started_at   timestamptz NOT NULL,
    completed_at timestamptz NOT NULL,
    urls         bigint NOT NULL,
    new          bigint NOT NULL,
    changed      bigint NOT NULL,
    unchanged    bigint NOT NULL,
    gone         bigint NOT NULL,
    failed       bigint NOT NULL,
    sent_at      timestamptz, -- when its CYCLE_COMPLETED event was published
    PRIMARY KEY (crawl_id, cycle)
);
