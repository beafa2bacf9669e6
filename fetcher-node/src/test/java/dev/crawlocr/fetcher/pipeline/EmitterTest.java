package dev.crawlocr.fetcher.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.UrlKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmitterTest {
    @Test
    void shrinksAResultTooLargeForARecordAndMarksItTruncated() {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            images.add("https://example.com/" + "i".repeat(1000) + i + ".png");
        }
        FetchResult big = new FetchResult(FetchResult.SCHEMA, "c", "https://example.com/", UrlKind.PAGE, 0, FetchStatus.FETCHED, null,
                null, 200, "text/html", "t", "x".repeat(2_000_000), false, "h", 10, 1, images, null, 0, 0, 1, 0);
        byte[] bytes = Emitter.encodeFitting(big);
        assertThat(bytes.length).isLessThanOrEqualTo(Emitter.MAX_RESULT_BYTES);
        FetchResult back = Json.decode(bytes, FetchResult.class);
        assertThat(back.truncated()).isTrue();
        assertThat(back.imageUrls().size()).isLessThan(1000);
        assertThat(back.text()).startsWith("xxx");
        assertThat(back.url()).isEqualTo(big.url());
    }

    @Test
    void leavesAnOrdinaryResultAlone() {
        FetchResult r = new FetchResult(FetchResult.SCHEMA, "c", "https://example.com/", UrlKind.PAGE, 0, FetchStatus.FETCHED, null,
                null, 200, "text/html", "t", "text", false, "h", 10, 1, List.of(), null, 0, 0, 1, 0);
        assertThat(Json.decode(Emitter.encodeFitting(r), FetchResult.class)).isEqualTo(r);
    }
}
