package dev.crawlocr.fetcher.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    @Test
    void readsSecondsAndHttpDates() {
        long now = ZonedDateTime.parse("Sun, 22 Nov 2026 01:00:00 GMT", DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        assertThat(RetryAfter.parseMs("120", now)).isEqualTo(120_000);
        assertThat(RetryAfter.parseMs(" 0 ", now)).isZero();
        assertThat(RetryAfter.parseMs("Sun, 22 Nov 2026 01:00:30 GMT", now)).isEqualTo(30_000);
        assertThat(RetryAfter.parseMs("Sun, 22 Nov 2026 00:59:00 GMT", now)).isZero();
        assertThat(RetryAfter.parseMs("soon", now)).isEqualTo(-1);
        assertThat(RetryAfter.parseMs(null, now)).isEqualTo(-1);
        assertThat(RetryAfter.parseMs("99999999999999999999", now)).isEqualTo(Long.MAX_VALUE);
    }
}
