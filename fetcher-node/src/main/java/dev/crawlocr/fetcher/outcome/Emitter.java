package dev.crawlocr.fetcher.outcome;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.Clients;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Produces one task's outcome: its discovered links (to {@code crawl.discovered}, key host, at most
 * {@value #LINKS_PER_RECORD} links a record, each numbered and stamped with the fetch's time) and image bytes (to
 * {@code crawl.images}, key content hash, metadata in headers) first, and only once those are acknowledged its
 * result (to {@code crawl.pages}, key URL), which says how many link records went before it, so a writer can tell
 * when all of a fetch's links are registered. A result too large for a record is shrunk (text and image
 * list halved until it fits, marked truncated). The returned future completes when everything is acknowledged. Thread-safe.
 */
public final class Emitter {
    static final int LINKS_PER_RECORD = 250;
    static final int MAX_RESULT_BYTES = 900 * 1024;

    private final Producer<byte[], byte[]> producer;
    /** The result is sent from here, never from the producer's I/O thread that completes the first sends. */
    private final Executor sender = Executors.newVirtualThreadPerTaskExecutor();

    public Emitter(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public CompletableFuture<Void> emit(Outcome outcome) {
        List<CompletableFuture<?>> first = new ArrayList<>();
        int parts = 0;
        for (DiscoveredUrls d : outcome.discovered()) {
            List<DiscoveredUrls.Link> links = d.urls();
            for (int i = 0; i < links.size(); i += LINKS_PER_RECORD) {
                DiscoveredUrls part = new DiscoveredUrls(d.schema(), d.crawlId(), d.host(), d.sourceUrl(),
                        links.subList(i, Math.min(links.size(), i + LINKS_PER_RECORD)), outcome.result().fetchedAtMs(), parts++, false, d.via());
                first.add(Clients.send(producer, Topics.DISCOVERED, utf8(d.host()), Json.encode(part), new RecordHeaders()));
            }
        }
        for (Outcome.Image img : outcome.images()) {
            first.add(Clients.send(producer, Topics.IMAGES, utf8(img.meta().contentHash()), img.bytes(), img.meta().toHeaders()));
        }
        FetchResult result = outcome.result().withLinkRecords(parts);
        return CompletableFuture.allOf(first.toArray(CompletableFuture[]::new))
                .thenComposeAsync(v -> Clients.send(producer, Topics.PAGES, utf8(result.url()), encodeFitting(result), new RecordHeaders()), sender)
                .thenApply(md -> null);
    }

    static byte[] encodeFitting(FetchResult r) {
        byte[] bytes = Json.encode(r);
        FetchResult cur = r;
        for (int i = 0; i < 40 && bytes.length > MAX_RESULT_BYTES; i++) {
            String text = cur.text() == null ? null : cur.text().substring(0, cur.text().length() / 2);
            List<String> images = cur.imageUrls().subList(0, cur.imageUrls().size() / 2);
            cur = new FetchResult(cur.schema(), cur.crawlId(), cur.url(), cur.kind(), cur.depth(), cur.status(),
                    cur.reason(), cur.finalUrl(), cur.httpStatus(),
                    cur.contentType(), cur.title() != null && cur.title().length() > 1000 ? cur.title().substring(0, 1000) : cur.title(),
                    text, true, cur.contentHash(), cur.bytes(), cur.outlinkCount(), cur.droppedLinks(), images, cur.redirectTo(),
                    cur.fetchedAtMs(), cur.fetchMs(), cur.requests(), cur.maxRequests(), cur.linkRecords(), cur.leaseUntilMs(), cur.sitemaps(), cur.etag(),
                    cur.lastModified());
            bytes = Json.encode(cur);
        }
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
