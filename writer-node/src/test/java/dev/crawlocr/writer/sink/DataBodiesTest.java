package dev.crawlocr.writer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.UrlKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataBodiesTest {
    private static final FetchTask TASK = new FetchTask(FetchTask.SCHEMA, "c", "http://api.test/v1", "api.test", UrlKind.PAGE, 0, 1, 0);

    private static FetchResult fetched(String contentType, String text, boolean truncated) {
        return new FetchResult(FetchResult.SCHEMA, "c", TASK.url(), UrlKind.PAGE, 0, FetchStatus.FETCHED, null, null, 200, contentType, null,
                text, truncated, "h", text.length(), 0, Map.of(), List.of(), null, 1, 1, 1, 0, 0, 0);
    }

    private static DataBodies.JsonColumns json(String contentType, String text) {
        return DataBodies.json(fetched(contentType, text, false));
    }

    @Test
    void validJsonIsStoredAsItCame() {
        String body = "{\"name\": \"Lighthouse\", \"price\": 1.50, \"big\": 123456789012345678901234567890, \"deep\": [[[{}]]]}";
        assertThat(json("application/json", body)).isEqualTo(new DataBodies.JsonColumns(body, null));
        assertThat(json("Application/Problem+JSON; charset=utf-8", "[1, 2]")).isEqualTo(new DataBodies.JsonColumns("[1, 2]", null));
        assertThat(json("application/json", " null ").json()).isEqualTo(" null ");
        assertThat(json("application/json", "\"\\ud83d\\ude00 paired\"").note()).isNull();
    }

    @Test
    void jsonThatJsonbCannotTakeGetsANoteSayingWhy() {
        assertThat(json("application/json", "{\"name\": \"x\",}").note()).startsWith("malformed JSON: Unexpected character ('}' (code 125))")
                .doesNotContain("\n").doesNotContain("line:");
        assertThat(json("application/json", "{} {}").note()).startsWith("malformed JSON: Trailing token");
        assertThat(json("application/json", "").note()).isEqualTo("malformed JSON: empty body");
        assertThat(json("application/json", "  \n").note()).isEqualTo("malformed JSON: empty body");
        assertThat(json("application/json", "{\"a\": \"nul \\u0000 here\"}").note())
                .isEqualTo("JSON holds \\u0000, which PostgreSQL's jsonb cannot store");
        assertThat(json("application/json", "{\"key\\u0000\": 1}").note()).isEqualTo("JSON holds \\u0000, which PostgreSQL's jsonb cannot store");
        assertThat(json("application/json", "[\"\\ud800\"]").note())
                .isEqualTo("JSON holds an unpaired surrogate escape, which PostgreSQL's jsonb cannot store");
        assertThat(json("application/json", "{\"n\": 1e131072}").note()).isEqualTo("JSON holds the number 1E+131072, beyond PostgreSQL's numeric");
        assertThat(json("application/json", "{\"n\": 1.0e-16383}").note()).startsWith("JSON holds the number 1.0E-16383");
        assertThat(json("application/json", "{\"n\": 1e131071, \"m\": 1e-16383, \"z\": 0e999}").note()).isNull();
        assertThat(json("application/json", "{\"raw\": \"a\0b\"}").note()).startsWith("malformed JSON: Illegal unquoted character");
    }

    @Test
    void aBodyCutAtTheCapIsNotParsed() {
        assertThat(DataBodies.json(fetched("application/json", "{\"items\": [1, 2", true)))
                .isEqualTo(new DataBodies.JsonColumns(null, "cut at the crawl's body cap: not parsed as JSON"));
    }

    @Test
    void otherBodiesAndPagesHaveNoJsonColumns() {
        assertThat(json("text/csv", "a,b\n1,2\n")).isEqualTo(DataBodies.JsonColumns.NONE);
        assertThat(json("application/xml", "<a/>")).isEqualTo(DataBodies.JsonColumns.NONE);
        assertThat(json("text/html", "{}")).isEqualTo(DataBodies.JsonColumns.NONE);
        assertThat(DataBodies.json(FetchResult.failure(TASK, FetchStatus.ERROR, 404, "HTTP 404", null, 1))).isEqualTo(DataBodies.JsonColumns.NONE);
    }

    @Test
    void aDataBodysNulCharactersBecomeReplacementCharactersWhilePageTextIsLeftToTheColumn() {
        assertThat(DataBodies.text(fetched("text/plain", "a\0b\0", false))).isEqualTo("a\uFFFDb\uFFFD");
        assertThat(DataBodies.text(fetched("application/json", "{\"a\":\0}", false))).isEqualTo("{\"a\":\uFFFD}");
        assertThat(DataBodies.text(fetched("text/html; charset=utf-8", "a\0b", false))).isEqualTo("a\0b");
        assertThat(DataBodies.text(fetched("text/csv", "x,y", false))).isEqualTo("x,y");
    }
}
