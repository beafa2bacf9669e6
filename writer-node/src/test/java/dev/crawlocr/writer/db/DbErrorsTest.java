package dev.crawlocr.writer.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DbErrorsTest {

    @Test
    void unreachableServerAndLockConflictsAreTransient() {
        assertThat(DbErrors.isTransient(new SQLException("Connection refused", "08001"))).isTrue();
        assertThat(DbErrors.isTransient(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(DbErrors.isTransient(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(DbErrors.isTransient(new SQLTransientConnectionException("writer-db - Connection is not available"))).isTrue();
        assertThat(DbErrors.isTransient(new RuntimeException(new SQLException("I/O error", "08006")))).isTrue();
    }

    @Test
    void badDataIsNotTransient() {
        assertThat(DbErrors.isTransient(new SQLException("new row violates check constraint", "23514"))).isFalse();
        assertThat(DbErrors.isTransient(new SQLException("invalid byte sequence", "22021"))).isFalse();
        assertThat(DbErrors.isTransient(new IllegalArgumentException("bad"))).isFalse();
    }

    @Test
    void onlyRejectedDataIsADataError() {
        assertThat(DbErrors.isDataError(new SQLException("new row violates check constraint", "23514"))).isTrue();
        assertThat(DbErrors.isDataError(new SQLException("invalid input syntax", "22P02"))).isTrue();
        assertThat(DbErrors.isDataError(new SQLException("string is too long for tsvector", "54000"))).isTrue();
        assertThat(DbErrors.isDataError(new SQLException("relation \"pages\" does not exist", "42P01"))).isFalse();
        assertThat(DbErrors.isDataError(new SQLException("Connection refused", "08001"))).isFalse();
    }
}
