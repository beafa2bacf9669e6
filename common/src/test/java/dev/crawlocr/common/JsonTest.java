package dev.crawlocr.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crawlocr.common.message.BadRecordException;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Json;
import dev.crawlocr.common.message.UrlKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsARecord() {
        FetchTask t = new FetchTask(1, "c1", "http://a.example/", "a.example", UrlKind.PAGE, 2, 1, 123L);
        assertThat(Json.decode(Json.encode(t), FetchTask.class)).isEqualTo(t);
    }

    @Test
    void aHandWrittenJobNeedsOnlyItsRequiredFields() {
        CrawlJob job = Json.decode(bytes("""
                {"schema":1,"crawlId":"c-kcat","state":"RUNNING","seeds":["http://a.example/"],"createdAt":"2026-01-01T00:00:00Z"}"""), CrawlJob.class);
        assertThat(job.politeness().minDelayMs()).isEqualTo(1000);
        assertThat(job.scope().maxDepth()).isEqualTo(10);
    }

    @Test
    void absentPrimitivesTakeTheirDefaultAndAnUnknownSchemaIsNamedFirst() {
        assertThatThrownBy(() -> Json.decode(bytes("""
                {"schema":99,"crawlId":"c","url":"http://a/","host":"a","kind":"PAGE"}"""), FetchTask.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("Unsupported schema 99 for FetchTask");
        assertThatThrownBy(() -> Json.decode(bytes("""
                {"schema":1,"crawlId":"c","url":"http://a/","host":"a","kind":"PAGE","depth":0}"""), FetchTask.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("'attempt' must be >= 1");
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> Json.decode(bytes("{not json"), FetchTask.class))
                .isInstanceOf(BadRecordException.class).hasMessageStartingWith("Unreadable FetchTask");
        assertThatThrownBy(() -> Json.decode(bytes("""
                {"schema":2,"crawlId":"c","url":"http://a/","host":"a","kind":"PAGE","depth":0,"attempt":1,"leaseUntilMs":0}"""), FetchTask.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("Unsupported schema 2 for FetchTask");
        assertThatThrownBy(() -> Json.decode(bytes("""
                {"schema":1,"crawlId":"c","host":"a","kind":"PAGE","depth":0,"attempt":1,"leaseUntilMs":0}"""), FetchTask.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("'url' must not be empty");
        assertThatThrownBy(() -> Json.decode(bytes("""
                {"schema":1,"crawlId":"c","url":"http://a/","host":"a","kind":"SPACESHIP","depth":0,"attempt":1,"leaseUntilMs":0}"""), FetchTask.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("SPACESHIP");
        assertThatThrownBy(() -> Json.decode(new byte[0], FetchTask.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("Empty value");
    }

    @Test
    void aCrawlsOutlinkCapAndAPagesDroppedLinkCountsAreNeverNegative() {
        assertThatThrownBy(() -> Json.decode(bytes("""
                {"schema":1,"crawlId":"c","state":"RUNNING","seeds":["http://a.example/"],"scope":{"maxOutlinks":-1},
                 "createdAt":"2026-01-01T00:00:00Z"}"""), CrawlJob.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("'maxOutlinks' must be >= 0, was -1");
        assertThatThrownBy(() -> Json.decode(bytes("""
                {"schema":1,"crawlId":"c","url":"http://a/","kind":"PAGE","status":"FETCHED","droppedLinks":{"trap":-2}}"""), FetchResult.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("'droppedLinks.trap' must be >= 0, was -2");
    }
}
