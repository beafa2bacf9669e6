package dev.crawlocr.fetcher.parse;

import java.util.List;

/**
 * What a page holds, before scope filtering. URLs are absolute but not yet normalized.
 *
 * @param text          visible text, cut at the configured maximum
 * @param textTruncated true when the text was cut
 * @param links         absolute link targets in document order, duplicates included
 * @param images        absolute image URLs (img src, largest srcset candidate, picture sources, og:image)
 * @param dataImages    images embedded as {@code data:} URIs, decoded
 * @param noFollow      the page asked robots not to follow its links ({@code <meta name="robots" content="nofollow">})
 */
public record ParsedPage(String title, String text, boolean textTruncated, List<String> links, List<String> images,
                         List<DataImage> dataImages, boolean noFollow) {

    /** A decoded {@code data:} image. */
    public record DataImage(String contentType, byte[] bytes) {
    }
}
