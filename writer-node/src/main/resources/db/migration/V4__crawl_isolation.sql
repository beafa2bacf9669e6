-- A fetch's links travel on crawl.discovered apart from its outcome on crawl.pages. The outcome says how many link
-- records the fetch sent (urls.link_records); the registry records each one it registered (link_records), in the
-- transaction that registers its URLs, so a crawl is known complete from the database alone: no URL in play, every
-- fetch's links registered, every fetched image read.
ALTER TABLE urls ADD COLUMN link_records int NOT NULL DEFAULT 0;
CREATE INDEX urls_with_links ON urls (crawl_id) WHERE link_records > 0;

CREATE TABLE link_records (
    crawl_id   text NOT NULL,
    url_hash   bytea NOT NULL,
    fetched_at timestamptz NOT NULL,
    part       int NOT NULL,
    PRIMARY KEY (crawl_id, url_hash, fetched_at, part)
);

-- The scheduler takes each running crawl's due URLs separately, so no crawl's backlog holds up another's.
CREATE INDEX urls_crawl_due ON urls (crawl_id, next_fetch_at) WHERE next_fetch_at IS NOT NULL;

-- The Kafka cluster this database belongs to: its writers lease URLs to that cluster's fetchers only.
CREATE TABLE deployment (
    singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    kafka_cluster_id text NOT NULL,
    claimed_at       timestamptz NOT NULL DEFAULT now()
);
