package dev.crawlocr.writer.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small JDBC helpers shared by the sinks. */
final class Sql {

    /** Epoch milliseconds as a timestamptz value. */
    static OffsetDateTime ts(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }

    /** PostgreSQL text cannot hold NUL characters; hostile pages contain them. Null stays null. */
    static String clean(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace("\0", "");
    }

    static void setText(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, clean(value));
        }
    }

    /** Executes a JDBC batch and returns the rows it touched (unknown counts count as one). */
    static long executeBatch(PreparedStatement ps) throws SQLException {
        long rows = 0;
        for (int n : ps.executeBatch()) {
            rows += n == PreparedStatement.SUCCESS_NO_INFO ? 1 : Math.max(n, 0);
        }
        return rows;
    }

    /** The {@code writer.rows{table}} counter: rows inserted or updated per table. */
    static Counter rows(MeterRegistry metrics, String table) {
        return Counter.builder("writer.rows").tag("table", table).description("Rows inserted or updated").register(metrics);
    }

    private Sql() {
    }
}
