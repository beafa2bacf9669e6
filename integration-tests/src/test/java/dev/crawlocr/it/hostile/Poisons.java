package dev.crawlocr.it.hostile;

import dev.crawlocr.common.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The poison records of {@link PoisonRecordIT}: for every input topic, invalid JSON, an unknown schema version, a
 * missing required field and an oversized record (images: unreadable, unknown and missing metadata headers, bytes
 * that are no image, and more bytes than the analyzer's IMAGE_MAX_BYTES), each with the consumer stage that must
 * dead-letter it and a fragment its {@code dlq.message} must contain.
 */
final class Poisons {

    /** One record to produce and what its dead letter must say. */
    record Poison(String topic, String name, String key, byte[] value, Headers headers, String stage, String exception, String message) {
        @Override
        public String toString() {
            return topic + " / " + name;
        }
    }

    private static final String BAD_RECORD = "dev.crawlocr.common.message.BadRecordException";
    private static final String ILLEGAL_ARGUMENT = "java.lang.IllegalArgumentException";

    /** @param imageMaxBytes the analyzer's IMAGE_MAX_BYTES */
    static List<Poison> all(String run, int imageMaxBytes) {
        List<Poison> all = new ArrayList<>();
        long lease = System.currentTimeMillis() + 60_000;
        json(all, run, Topics.FRONTIER, "fetcher", "FetchTask", """
                {"schema":%d,"crawlId":"%s","url":%s,"host":"127.0.0.1:9","kind":"PAGE","depth":0,"attempt":1,"leaseUntilMs":%d}""",
                "url", lease);
        json(all, run, Topics.DISCOVERED, "writer-discovered", "DiscoveredUrls", """
                {"schema":%d,"crawlId":"%s","host":%s,"sourceUrl":null,"urls":[{"url":"http://127.0.0.1:9/","kind":"PAGE","depth":0}]}""",
                "host", 0);
        json(all, run, Topics.PAGES, "writer-pages", "FetchResult", """
                {"schema":%d,"crawlId":"%s","url":%s,"kind":"PAGE","depth":0,"status":"FETCHED","httpStatus":200,"truncated":false,
                "bytes":0,"outlinkCount":0,"fetchedAtMs":%d,"fetchMs":1}""",
                "url", System.currentTimeMillis());
        json(all, run, Topics.OCR, "writer-ocr", "OcrResult", """
                {"schema":%d,"crawlId":"%s","contentHash":%s,"status":"OK","text":"poison","meanConfidence":90.0,"width":1,"height":1,
                "decodeMs":0,"preprocessMs":0,"ocrMs":0}""",
                "contentHash", 0);
        json(all, run, Topics.JOBS, "writer-jobs", "CrawlJob", """
                {"schema":%d,"crawlId":"%s","state":"RUNNING","seeds":%s,"createdAt":"2026-01-01T00:00:00Z","x":%d}""",
                "seeds", 0);
        images(all, run, imageMaxBytes);
        return all;
    }

    /**
     * Four poisons for a JSON topic from a template with placeholders schema, crawl id, the field left out (as a
     * JSON value), and one long. The templates carry every primitive field: the JSON mapper refuses an absent
     * primitive before the record's own checks run, and these records must fail on the problem they stand for.
     */
    private static void json(List<Poison> out, String run, String topic, String stage, String type, String template, String field, long n) {
        String crawl = "poison-" + run;
        String ok = field.equals("seeds") ? "[\"http://127.0.0.1:9/\"]" : "\"http://127.0.0.1:9/x\"";
        String missing = field.equals("seeds") ? "[]" : "null";
        out.add(poison(topic, "invalid JSON", run, utf8(String.format(template, 1, crawl, ok, n).substring(0, 40)), new RecordHeaders(),
                stage, BAD_RECORD, "Unreadable " + type + ": "));
        out.add(poison(topic, "unknown schema", run, utf8(String.format(template, 99, crawl, ok, n)), new RecordHeaders(),
                stage, BAD_RECORD, "Unsupported schema 99 for " + type + ": this node reads schema 1."));
        out.add(poison(topic, "missing field", run, utf8(String.format(template, 1, crawl, missing, n)), new RecordHeaders(),
                stage, BAD_RECORD, "The field '" + field + "' must not be "));
        byte[] padding = new byte[Topics.JSON_MAX_RECORD_BYTES + 100 * 1024];
        java.util.Arrays.fill(padding, (byte) 'x');
        byte[] big = utf8("{\"schema\":1,\"crawlId\":\"" + crawl + "\",\"padding\":\"" + new String(padding, StandardCharsets.US_ASCII) + "\"}");
        out.add(poison(topic, "oversized", run, big, new RecordHeaders(), stage, BAD_RECORD,
                "Record of " + big.length + " bytes exceeds the " + Topics.JSON_MAX_RECORD_BYTES + "-byte limit of " + topic));
    }

    private static void images(List<Poison> out, String run, int imageMaxBytes) {
        String crawl = "poison-" + run;
        byte[] png = HostileImages.text("POISON");
        out.add(poison(Topics.IMAGES, "unreadable schema header", run, png, imageHeaders("abc", crawl), "analyzer", ILLEGAL_ARGUMENT,
                "The header 'schema' is not a number: abc"));
        out.add(poison(Topics.IMAGES, "unknown schema", run, png, imageHeaders("99", crawl), "analyzer", ILLEGAL_ARGUMENT,
                "Unsupported schema 99 for ImageMeta: this node reads schema 1."));
        out.add(poison(Topics.IMAGES, "missing crawl-id header", run, png, imageHeaders("1", null), "analyzer", ILLEGAL_ARGUMENT,
                "The field 'crawlId' must not be empty."));
        out.add(poison(Topics.IMAGES, "not an image", run, utf8("{\"this\":\"is json, not a picture\"}"), imageHeaders("1", crawl),
                "analyzer", "dev.crawlocr.common.kafka.RecordFailure", "unsupported_format: Not a recognised image"));
        byte[] big = new byte[imageMaxBytes + 10 * 1024];
        out.add(poison(Topics.IMAGES, "oversized", run, big, imageHeaders("1", crawl), "analyzer", BAD_RECORD,
                "Record of " + big.length + " bytes exceeds the " + imageMaxBytes + "-byte limit of " + Topics.IMAGES));
    }

    private static Headers imageHeaders(String schema, String crawl) {
        RecordHeaders h = new RecordHeaders();
        h.add("schema", utf8(schema));
        if (crawl != null) {
            h.add("crawl-id", utf8(crawl));
        }
        h.add("url", utf8("http://127.0.0.1:9/poison.png"));
        h.add("content-type", utf8("image/png"));
        return h;
    }

    private static Poison poison(String topic, String name, String run, byte[] value, Headers headers, String stage, String exception,
                                 String message) {
        String key = "poison-" + run + "-" + topic + "-" + name.replace(' ', '-');
        return new Poison(topic, name, key, value, headers, stage, exception, message);
    }

    static Map<String, String> keyed(List<Poison> poisons) {
        Map<String, String> m = new java.util.HashMap<>();
        poisons.forEach(p -> m.put(p.key(), p.toString()));
        return m;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Poisons() {
    }
}
