-- A copy of each image a crawl fetched, up to the crawl's size cap (OcrSettings.imageCopyMaxBytes, else the
-- writer's WRITER_IMAGE_COPY_MAX_BYTES), so that the console can show an image next to its OCR text after
-- crawl.images has dropped it. One row per crawl and content hash; written once, never updated.
CREATE TABLE image_copies (
    crawl_id     text        NOT NULL,
    content_hash text        NOT NULL,
    content_type text,
    bytes        bytea       NOT NULL,
    stored_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (crawl_id, content_hash)
);
