package dev.crawlocr.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UrlsTest {
    private final Urls urls = new Urls(List.of("utm_source"));

    @Test
    void normalizesCaseDefaultPortFragmentDotSegmentsAndTrackingParameters() {
        assertThat(urls.normalize("HTTP://Example.COM:80/a/./b/../c.html?utm_source=x&q=1#frag"))
                .contains("http://example.com/a/c.html?q=1");
    }

    @Test
    void refusesWhatIsNotAnAbsoluteHttpUrl() {
        assertThat(urls.normalize("mailto:someone@example.com")).isEmpty();
        assertThat(urls.normalize("javascript:alert(1)")).isEmpty();
        assertThat(urls.normalize("/relative/path")).isEmpty();
        assertThat(urls.normalize("")).isEmpty();
    }

    @Test
    void hostKeyKeepsOnlyNonDefaultPorts() {
        assertThat(Urls.hostKey("https://Example.com/x")).contains("example.com");
        assertThat(Urls.hostKey("http://127.0.0.1:8080/x")).contains("127.0.0.1:8080");
        assertThat(Urls.hostKey("https://example.com:443/")).contains("example.com");
    }
}
