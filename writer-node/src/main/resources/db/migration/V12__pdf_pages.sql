-- The pages of each PDF a crawl read, one row per crawl, content hash and page (1 = first). The document's own
-- row, with its status and reason, is in ocr_results (format 'pdf'); its pages hold the text. source is
-- 'text-layer' (the PDF's own text) or 'ocr' (rendered at dpi and read by Tesseract); words have the shape of
-- ocr_results.words, their boxes in pixels at dpi (72: PDF points).
CREATE TABLE pdf_pages (
    crawl_id     text    NOT NULL,
    content_hash text    NOT NULL,
    page_number  int     NOT NULL CHECK (page_number >= 1),
    source       text    NOT NULL CHECK (source IN ('text-layer', 'ocr')),
    text         text    NOT NULL,
    confidence   real    NOT NULL,
    words        jsonb   NOT NULL,
    dpi          int     NOT NULL,
    languages    text,
    stored_at    timestamptz NOT NULL DEFAULT now(),
    tsv          tsvector GENERATED ALWAYS AS (to_tsvector(crawlocr_ts_config(left(text, 2000), languages), text)) STORED,
    PRIMARY KEY (crawl_id, content_hash, page_number)
);
CREATE INDEX pdf_pages_tsv ON pdf_pages USING gin (tsv);

-- Fetched PDFs are pages with this content type; the completion check looks for those without a result.
CREATE INDEX pages_pdfs ON pages (crawl_id, content_hash) WHERE content_type = 'application/pdf';
