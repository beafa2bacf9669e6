-- crawlocr schema: the crawl's source of truth. Written only by writer-node; read by crawlctl.
-- Natural keys everywhere, so every write is an idempotent upsert and replaying a topic changes no row counts.

-- Text search configuration for a document: 'simple' (no stemming, splits on spaces) when it contains Hangul or
-- the OCR languages are not English only; 'english' (stemming, stop words) otherwise.
CREATE FUNCTION crawlocr_ts_config(body text, languages text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN coalesce(languages, 'eng') <> 'eng' THEN 'simple'::regconfig
        WHEN body ~ '[ㄱ-ㆎ가-힣]' THEN 'simple'::regconfig
        ELSE 'english'::regconfig
    END
$$;

-- Query for a user's search words that matches documents indexed with either configuration:
--   WHERE tsv @@ crawlocr_query('words here')
CREATE FUNCTION crawlocr_query(q text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT plainto_tsquery('english', q) || plainto_tsquery('simple', q)
$$;

CREATE TABLE crawls (
    id                 text PRIMARY KEY,
    state              text NOT NULL CHECK (state IN ('RUNNING', 'STOPPED', 'FINISHED')),
    seeds              jsonb NOT NULL,
    scope              jsonb NOT NULL,
    politeness         jsonb NOT NULL,
    ocr                jsonb NOT NULL,
    recrawl_interval_s bigint NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    completion_sent_at timestamptz
);

-- The URL registry and frontier. status: QUEUED (new, due), LEASED (emitted to crawl.frontier until lease_until),
-- then the last fetch outcome: FETCHED, REDIRECT, FETCH_ERROR, ERROR, DENIED.
-- next_fetch_at: when the scheduler may emit it next (NULL = never again). While LEASED it equals lease_until,
-- so an expired lease simply makes the URL due again.
CREATE TABLE urls (
    crawl_id         text NOT NULL,
    url_hash         bytea NOT NULL CHECK (length(url_hash) = 16),
    url              text NOT NULL,
    host             text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('PAGE', 'IMAGE')),
    depth            int NOT NULL CHECK (depth >= 0),
    discovered_from  text,
    status           text NOT NULL,
    attempts         int NOT NULL DEFAULT 0,
    last_http_status int,
    lease_until      timestamptz,
    next_fetch_at    timestamptz,
    discovered_at    timestamptz NOT NULL DEFAULT now(),
    fetched_at       timestamptz,
    PRIMARY KEY (crawl_id, url_hash)
);
CREATE INDEX urls_due ON urls (next_fetch_at) WHERE next_fetch_at IS NOT NULL;
CREATE INDEX urls_crawl_status ON urls (crawl_id, status);

-- The latest fetch outcome of every PAGE URL (all statuses; search only FETCHED).
CREATE TABLE pages (
    crawl_id      text NOT NULL,
    url_hash      bytea NOT NULL,
    url           text NOT NULL,
    final_url     text NOT NULL,
    status        text NOT NULL,
    reason        text,
    http_status   int NOT NULL CHECK (http_status BETWEEN 0 AND 999),
    content_type  text,
    title         text,
    text          text,
    truncated     boolean NOT NULL DEFAULT false,
    content_hash  text,
    bytes         bigint NOT NULL DEFAULT 0,
    outlink_count int NOT NULL DEFAULT 0,
    image_count   int NOT NULL DEFAULT 0,
    redirect_to   text,
    depth         int NOT NULL,
    fetched_at    timestamptz NOT NULL,
    fetch_ms      bigint NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now(),
    tsv           tsvector GENERATED ALWAYS AS (
        to_tsvector(crawlocr_ts_config(left(coalesce(title, '') || ' ' || coalesce(text, ''), 2000), NULL),
                    coalesce(title, '') || ' ' || coalesce(text, ''))) STORED,
    PRIMARY KEY (crawl_id, url_hash)
);
CREATE INDEX pages_tsv ON pages USING gin (tsv);

-- The latest fetch outcome of every IMAGE URL; format and dimensions come from its OCR result.
CREATE TABLE images (
    crawl_id     text NOT NULL,
    url_hash     bytea NOT NULL,
    url          text NOT NULL,
    status       text NOT NULL,
    reason       text,
    http_status  int NOT NULL CHECK (http_status BETWEEN 0 AND 999),
    content_hash text,
    content_type text,
    format       text,
    width        int,
    height       int,
    bytes        bigint NOT NULL DEFAULT 0,
    fetched_at   timestamptz NOT NULL,
    fetch_ms     bigint NOT NULL,
    stored_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (crawl_id, url_hash)
);
CREATE INDEX images_content ON images (crawl_id, content_hash);

-- Which page references which image URL.
CREATE TABLE page_images (
    crawl_id       text NOT NULL,
    page_url_hash  bytea NOT NULL,
    image_url_hash bytea NOT NULL,
    image_url      text NOT NULL,
    PRIMARY KEY (crawl_id, page_url_hash, image_url_hash)
);
CREATE INDEX page_images_image ON page_images (crawl_id, image_url_hash);

-- One OCR result per distinct image (content hash) per crawl.
CREATE TABLE ocr_results (
    crawl_id        text NOT NULL,
    content_hash    text NOT NULL,
    image_url       text,
    status          text NOT NULL CHECK (status IN ('OK', 'FAILED')),
    reason          text,
    text            text NOT NULL,
    mean_confidence real NOT NULL,
    words           jsonb NOT NULL,
    languages       text,
    engine_version  text,
    format          text,
    width           int,
    height          int,
    decode_ms       bigint NOT NULL,
    preprocess_ms   bigint NOT NULL,
    ocr_ms          bigint NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    tsv             tsvector GENERATED ALWAYS AS (to_tsvector(crawlocr_ts_config(left(text, 2000), languages), text)) STORED,
    PRIMARY KEY (crawl_id, content_hash)
);
CREATE INDEX ocr_results_tsv ON ocr_results USING gin (tsv);

-- Every failed or refused fetch attempt (not FETCHED, not REDIRECT), one row per URL and attempt time.
CREATE TABLE fetch_errors (
    crawl_id    text NOT NULL,
    url_hash    bytea NOT NULL,
    fetched_at  timestamptz NOT NULL,
    url         text NOT NULL,
    kind        text NOT NULL,
    status      text NOT NULL,
    reason      text,
    http_status int NOT NULL,
    PRIMARY KEY (crawl_id, url_hash, fetched_at)
);
