-- The scheduler counts each host's outstanding leases before leasing more of its URLs.
CREATE INDEX urls_leased_host ON urls (crawl_id, host) WHERE status = 'LEASED';
