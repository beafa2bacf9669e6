-- A crawl whose URLs come as a list (crawlctl crawl start --urls) is complete only once the whole list is
-- registered: crawls.list_records is -1 while crawlctl is still sending it, then the number of crawl.discovered
-- records it was sent in (0 for a crawl without a list), and url_list_parts holds each record registered, in the
-- transaction that registers its URLs.
ALTER TABLE crawls ADD COLUMN list_records int NOT NULL DEFAULT 0;

CREATE TABLE url_list_parts (
    crawl_id text NOT NULL,
    part     int NOT NULL,
    PRIMARY KEY (crawl_id, part)
);

-- A crawl's request settings: headers (secret references, never their values) and the media types kept as data.
ALTER TABLE crawls ADD COLUMN request jsonb NOT NULL DEFAULT '{}';
