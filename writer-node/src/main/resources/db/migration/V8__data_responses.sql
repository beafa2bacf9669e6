-- Responses kept as data (a crawl's accept types) are stored in pages like pages are: the body, decoded, in text.
-- A JSON body is also parsed: body_json holds it when PostgreSQL's jsonb can, else body_note says why not (malformed,
-- cut at the crawl's body cap, or holding \u0000, which jsonb cannot store). Both are NULL for every other row.
ALTER TABLE pages ADD COLUMN body_json jsonb, ADD COLUMN body_note text;
