package dev.crawlocr.analyzer.pdf;

import dev.crawlocr.analyzer.image.ImageRejectedException;

/**
 * A PDF the analyzer refuses or cannot read; like a refused image it is not retried. {@link #reason()} is one of the
 * codes below.
 */
public final class PdfRejectedException extends ImageRejectedException {
    /** The document needs a password to open. */
    public static final String ENCRYPTED = "pdf_encrypted";
    /** Not a PDF, or one PDFBox cannot parse. */
    public static final String CORRUPT = "pdf_corrupt";
    /** More pages than PDF_MAX_PAGES. */
    public static final String TOO_MANY_PAGES = "pdf_too_many_pages";
    /** A page that would need OCR is too large to render within PDF_MAX_PAGE_PIXELS at a readable resolution. */
    public static final String PAGE_TOO_LARGE = "pdf_page_too_large";
    /** The document took longer than PDF_TIMEOUT. */
    public static final String TIMEOUT = "pdf_timeout";

    public PdfRejectedException(String reason, String message) {
        super(reason, message);
    }

    public PdfRejectedException(String reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
