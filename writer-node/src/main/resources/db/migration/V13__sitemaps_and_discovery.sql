-- How each URL came into its crawl: one of its seeds (or its URL list), a link of a fetched page, or an entry of a
-- sitemap of a seed's host. The registry inserts a URL once, so the first discovery wins. URLs registered before this
-- column existed: those at depth 0 without a source page were seeds, the rest links.
ALTER TABLE urls ADD COLUMN discovery text CHECK (discovery IN ('seed', 'link', 'sitemap'));
UPDATE urls SET discovery = CASE WHEN depth = 0 AND discovered_from IS NULL THEN 'seed' ELSE 'link' END;

-- Each sitemap a crawl's fetchers read (or tried to): the latest read per crawl and URL. status: READ, ABSENT
-- (404/410), MALFORMED, DENIED (robots.txt or the SSRF guard), ERROR, SKIPPED (a limit was reached first).
-- found: URLs it listed (sitemaps, for an index); accepted: page URLs of it emitted to crawl.discovered.
-- seed_url: the seed whose fetch read it.
CREATE TABLE sitemaps (
    crawl_id text NOT NULL,
    url      text NOT NULL,
    status   text NOT NULL CHECK (status IN ('READ', 'ABSENT', 'MALFORMED', 'DENIED', 'ERROR', 'SKIPPED')),
    found    int NOT NULL DEFAULT 0 CHECK (found >= 0),
    accepted int NOT NULL DEFAULT 0 CHECK (accepted >= 0),
    reason   text,
    seed_url text NOT NULL,
    read_at  timestamptz NOT NULL,
    PRIMARY KEY (crawl_id, url)
);
