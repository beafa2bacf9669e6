package dev.crawlocr.fetcher.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DataBodyTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theCharsetParameterNamesTheDecoding() {
        assertThat(DataBody.charset("text/csv; charset=ISO-8859-1")).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(DataBody.charset("text/csv;Charset=\"utf-16le\"")).isEqualTo(StandardCharsets.UTF_16LE);
        assertThat(DataBody.charset("application/json; profile=x; charset = windows-1252").name()).isEqualTo("windows-1252");
        assertThat(DataBody.charset("application/json")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(DataBody.charset("application/json; charset=")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(DataBody.charset("application/json; charset=no-such-charset")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(DataBody.charset(null)).isEqualTo(StandardCharsets.UTF_8);
        DataBody utf16 = DataBody.decode("[1,\"ü\"]".getBytes(StandardCharsets.UTF_16LE), false, "application/json; charset=UTF-16LE", 1000);
        assertThat(utf16.text()).isEqualTo("[1,\"ü\"]");
    }

    @Test
    void aWholeBodyIsDecodedWholeAndALeadingByteOrderMarkIsDropped() {
        DataBody b = DataBody.decode(utf8("\uFEFF{\"a\":\"\uFEFF\"}"), false, "application/json", 1000);
        assertThat(b.text()).isEqualTo("{\"a\":\"\uFEFF\"}");
        assertThat(b.cut()).isFalse();
        assertThat(DataBody.decode(new byte[0], false, "text/plain", 10).text()).isEmpty();
    }

    @Test
    void aCutThroughACharacterLeavesThatCharacterOut() {
        byte[] body = utf8("a€b"); // the euro sign is 3 bytes
        assertThat(DataBody.decode(body, false, null, 1)).isEqualTo(new DataBody("a", true));
        assertThat(DataBody.decode(body, false, null, 2)).isEqualTo(new DataBody("a", true));
        assertThat(DataBody.decode(body, false, null, 3)).isEqualTo(new DataBody("a", true));
        assertThat(DataBody.decode(body, false, null, 4)).isEqualTo(new DataBody("a€", true));
        assertThat(DataBody.decode(body, false, null, 5)).isEqualTo(new DataBody("a€b", false));
        // a body that arrived cut (the fetcher's read cap) under the crawl's cap: its partial last character too
        assertThat(DataBody.decode(Arrays.copyOf(body, 3), true, null, 100)).isEqualTo(new DataBody("a", true));
        // a body that ends in a partial character without being cut: the server's fault, replaced
        assertThat(DataBody.decode(Arrays.copyOf(body, 3), false, null, 100)).isEqualTo(new DataBody("a\uFFFD", false));
    }
}
