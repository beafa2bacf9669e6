-- The links of a page that were not followed, counted by the guard that dropped them ({"outlink-cap": 2000,
-- "trap": 12, "host": 300, ...}), as the fetch outcome reports them. Stored with the page's latest outcome, so a
-- redelivered outcome replaces the counts instead of adding to them; a crawl's totals are the sum over its pages.
ALTER TABLE pages ADD COLUMN dropped_links jsonb NOT NULL DEFAULT '{}';
