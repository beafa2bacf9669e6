package dev.crawlocr.common.message;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Metadata of one fetched image, carried in the headers of a {@code crawl.images} record whose value is the raw
 * bytes and whose key is {@code contentHash}.
 *
 * @param schema      required (header {@code schema}); {@link #SCHEMA}
 * @param crawlId     required (header {@code crawl-id})
 * @param url         required (header {@code url})
 * @param contentHash required (the record key)
 * @param contentType the image's media type (header {@code content-type}); default (also for null) ""
 */
public record ImageMeta(int schema, String crawlId, String url, String contentHash, String contentType) {

    public static final int SCHEMA = 1;
    static final String H_SCHEMA = "schema";
    static final String H_CRAWL = "crawl-id";
    static final String H_URL = "url";
    static final String H_CONTENT_TYPE = "content-type";

    public ImageMeta {
        Check.schema(schema, SCHEMA, "ImageMeta");
        Check.text(crawlId, "crawlId");
        Check.text(url, "url");
        Check.text(contentHash, "contentHash");
        contentType = contentType == null ? "" : contentType;
    }

    public Headers toHeaders() {
        RecordHeaders h = new RecordHeaders();
        h.add(H_SCHEMA, bytes(Integer.toString(schema)));
        h.add(H_CRAWL, bytes(crawlId));
        h.add(H_URL, bytes(url));
        h.add(H_CONTENT_TYPE, bytes(contentType));
        return h;
    }

    /** Reads the metadata back; the content hash is the record key. Throws IllegalArgumentException naming what is missing. */
    public static ImageMeta fromHeaders(Headers headers, String key) {
        String schema = header(headers, H_SCHEMA);
        int version;
        try {
            version = Integer.parseInt(Check.text(schema, "header " + H_SCHEMA));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("The header '" + H_SCHEMA + "' is not a number: " + schema);
        }
        return new ImageMeta(version, header(headers, H_CRAWL), header(headers, H_URL), key, header(headers, H_CONTENT_TYPE));
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
