-- What each crawl has used of its page caps and request budget, per host, kept as URLs change instead of counted
-- over the registry on every lease round. Every statement that inserts, updates or deletes urls rows adds one row
-- per (crawl, host) it changed with the change in:
--   page_slots        PAGE URLs that hold a place under the caps: leased, fetched, or failed with a retry to come;
--   pages_fetched     PAGE URLs fetched;
--   requests_charged  requests charged to the crawl's budget by leases and not given back.
-- A crawl's usage is the sum of its rows; the writers fold each crawl's rows into one per host from time to time.
CREATE TABLE url_usage (
    crawl_id         text NOT NULL,
    host             text NOT NULL,
    page_slots       bigint NOT NULL,
    pages_fetched    bigint NOT NULL,
    requests_charged bigint NOT NULL
);
CREATE INDEX url_usage_crawl_host ON url_usage (crawl_id, host);

CREATE FUNCTION crawlocr_page_slot(kind text, status text, next_fetch_at timestamptz) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN kind = 'PAGE' AND (status IN ('LEASED', 'FETCHED') OR (status = 'FETCH_ERROR' AND next_fetch_at IS NOT NULL))
                THEN 1 ELSE 0 END
$$;

-- The change a statement made, from its transition tables: rows as they are after it (added) and as they were
-- before it (taken away). Each URL row changes at most once in a statement.
CREATE FUNCTION crawlocr_url_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO url_usage
        SELECT crawl_id, host, sum(crawlocr_page_slot(kind, status, next_fetch_at)),
               count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED'), sum(requests_charged)
        FROM after_rows GROUP BY crawl_id, host
        HAVING sum(crawlocr_page_slot(kind, status, next_fetch_at)) <> 0
            OR count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED') <> 0 OR sum(requests_charged) <> 0;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO url_usage
        SELECT crawl_id, host, sum(slots), sum(fetched), sum(requests)
        FROM (SELECT crawl_id, host, crawlocr_page_slot(kind, status, next_fetch_at) AS slots,
                     (kind = 'PAGE' AND status = 'FETCHED')::int AS fetched, requests_charged AS requests
              FROM after_rows
              UNION ALL
              SELECT crawl_id, host, -crawlocr_page_slot(kind, status, next_fetch_at),
                     -(kind = 'PAGE' AND status = 'FETCHED')::int, -requests_charged
              FROM before_rows) change
        GROUP BY crawl_id, host
        HAVING sum(slots) <> 0 OR sum(fetched) <> 0 OR sum(requests) <> 0;
    ELSE
        INSERT INTO url_usage
        SELECT crawl_id, host, -sum(crawlocr_page_slot(kind, status, next_fetch_at)),
               -count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED'), -sum(requests_charged)
        FROM before_rows GROUP BY crawl_id, host
        HAVING sum(crawlocr_page_slot(kind, status, next_fetch_at)) <> 0
            OR count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED') <> 0 OR sum(requests_charged) <> 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER urls_usage_insert AFTER INSERT ON urls REFERENCING NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crawlocr_url_usage();
CREATE TRIGGER urls_usage_update AFTER UPDATE ON urls REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crawlocr_url_usage();
CREATE TRIGGER urls_usage_delete AFTER DELETE ON urls REFERENCING OLD TABLE AS before_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crawlocr_url_usage();

-- The usage of the URLs already registered.
INSERT INTO url_usage
SELECT crawl_id, host, sum(crawlocr_page_slot(kind, status, next_fetch_at)),
       count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED'), sum(requests_charged)
FROM urls GROUP BY crawl_id, host
HAVING sum(crawlocr_page_slot(kind, status, next_fetch_at)) <> 0
    OR count(*) FILTER (WHERE kind = 'PAGE' AND status = 'FETCHED') <> 0 OR sum(requests_charged) <> 0;

-- Replaced by url_usage: the indexes the usage was counted through.
DROP INDEX urls_charged;
DROP INDEX urls_page_slots;
