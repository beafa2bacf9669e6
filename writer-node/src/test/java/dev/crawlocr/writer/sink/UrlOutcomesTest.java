package dev.crawlocr.writer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.UrlKind;
import org.junit.jupiter.api.Test;

class UrlOutcomesTest {
    private static final FetchTask TASK = new FetchTask(FetchTask.SCHEMA, "c", "http://a.test/", "a.test", UrlKind.PAGE, 0, 1, 0);

    @Test
    void aReturnedTaskRequeuesTheUrl() {
        assertThat(UrlOutcomes.urlStatus(FetchResult.failure(TASK, FetchStatus.RETURNED, 0, "lease expired before the fetch started", null, 0)))
                .isEqualTo("QUEUED");
    }

    @Test
    void otherOutcomesKeepTheirStatusWhateverTheirReasonSays() {
        assertThat(UrlOutcomes.urlStatus(FetchResult.failure(TASK, FetchStatus.DENIED, 0, "robots.txt disallows /release-notes", null, 0)))
                .isEqualTo("DENIED");
        assertThat(UrlOutcomes.urlStatus(FetchResult.failure(TASK, FetchStatus.FETCH_ERROR, 503, "HTTP 503", null, 0)))
                .isEqualTo("FETCH_ERROR");
        assertThat(UrlOutcomes.urlStatus(FetchResult.failure(TASK, FetchStatus.ERROR, 404, null, null, 0))).isEqualTo("ERROR");
    }
}
