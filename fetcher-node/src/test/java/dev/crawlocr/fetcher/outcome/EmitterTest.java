package dev.crawlocr.fetcher.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.Topics;
import dev.crawlocr.common.message.DiscoveredUrls;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.UrlKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class EmitterTest {
    @Test
    void shrinksAResultTooLargeForARecordAndMarksItTruncated() {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            images.add("https://example.com/" + "i".repeat(1000) + i + ".png");
        }
        FetchResult big = new FetchResult(FetchResult.SCHEMA, "c", "https://example.com/", UrlKind.PAGE, 0, FetchStatus.FETCHED, null,
                null, 200, "text/html", "t", "x".repeat(2_000_000), false, "h", 10, 1, Map.of(), images, null, 0, 0, 1, 0, 0, 0);
        byte[] bytes = Emitter.encodeFitting(big);
        assertThat(bytes.length).isLessThanOrEqualTo(Emitter.MAX_RESULT_BYTES);
        FetchResult back = Json.decode(bytes, FetchResult.class);
        assertThat(back.truncated()).isTrue();
        assertThat(back.imageUrls().size()).isLessThan(1000);
        assertThat(back.text()).startsWith("xxx");
        assertThat(back.url()).isEqualTo(big.url());
    }

    @Test
    void numbersTheLinkRecordsOfAFetchAndCountsThemInItsResultWhichGoesLast() {
        List<DiscoveredUrls.Link> many = new ArrayList<>();
        for (int i = 0; i < Emitter.LINKS_PER_RECORD + 10; i++) {
            many.add(new DiscoveredUrls.Link("https://a.example/" + i, UrlKind.PAGE, 1));
        }
        FetchResult page = new FetchResult(FetchResult.SCHEMA, "c", "https://a.example/", UrlKind.PAGE, 0, FetchStatus.FETCHED, null,
                null, 200, "text/html", "t", "text", false, "h", 10, many.size() + 1, Map.of(), List.of(), null, 1_795_000_000_000L, 5, 1, 0, 0, 0);
        Outcome outcome = new Outcome(page, List.of(new DiscoveredUrls(DiscoveredUrls.SCHEMA, "c", "a.example", page.url(), many),
                new DiscoveredUrls(DiscoveredUrls.SCHEMA, "c", "b.example", page.url(), List.of(new DiscoveredUrls.Link("https://b.example/", UrlKind.PAGE, 1)))),
                List.of());
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        new Emitter(producer).emit(outcome).join();

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic).containsExactly(Topics.DISCOVERED, Topics.DISCOVERED, Topics.DISCOVERED, Topics.PAGES);
        List<DiscoveredUrls> records = sent.subList(0, 3).stream().map(r -> Json.decode(r.value(), DiscoveredUrls.class)).toList();
        assertThat(records).extracting(DiscoveredUrls::part).containsExactly(0, 1, 2);
        assertThat(records).allSatisfy(d -> assertThat(d.fetchedAtMs()).isEqualTo(page.fetchedAtMs()));
        assertThat(records.stream().mapToInt(d -> d.urls().size()).sum()).isEqualTo(many.size() + 1);
        assertThat(Json.decode(sent.get(3).value(), FetchResult.class).linkRecords()).isEqualTo(3);
    }

    @Test
    void leavesAnOrdinaryResultAlone() {
        FetchResult r = new FetchResult(FetchResult.SCHEMA, "c", "https://example.com/", UrlKind.PAGE, 0, FetchStatus.FETCHED, null,
                null, 200, "text/html", "t", "text", false, "h", 10, 1, Map.of("outlink-cap", 2, "host", 1), List.of(), null, 0, 0, 1, 0, 0, 0);
        assertThat(Json.decode(Emitter.encodeFitting(r), FetchResult.class)).isEqualTo(r);
    }
}
