package dev.crawlocr.common.message;

/** What a URL is fetched as: an HTML page to parse, or an image to OCR. */
public enum UrlKind {
    PAGE,
    IMAGE
}
