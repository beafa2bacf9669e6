package dev.crawlocr.writer.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crawl database: a HikariCP pool, the Flyway migrations under {@code db/migration}, and one-transaction
 * helpers that time each operation ({@code writer.db.latency{op}}). Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface TxWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final HikariDataSource pool;
    private final MeterRegistry metrics;

    public Database(String url, String user, String password, int poolSize, MeterRegistry metrics) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setPoolName("writer-db");
        hc.setAutoCommit(false);
        hc.setConnectionTimeout(5_000);
        hc.setValidationTimeout(2_000);
        hc.setInitializationFailTimeout(-1); // connects when first asked: the writer waits for the server (WriterNode)
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        hc.addDataSourceProperty("ApplicationName", "crawlocr-writer");
        this.pool = new HikariDataSource(hc);
        this.metrics = metrics;
    }

    /** Applies pending migrations; safe to run from several writers at once (Flyway takes a lock). */
    public void migrate() {
        var result = Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        log.info("Database schema at version {} ({} migrations applied)", result.targetSchemaVersion, result.migrationsExecuted);
    }

    /** Runs {@code work} in one transaction, committing on success and rolling back on any exception. */
    public <T> T inTransaction(String op, TxWork<T> work) throws SQLException {
        Timer.Sample sample = Timer.start(metrics);
        try (Connection c = pool.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } finally {
            sample.stop(Timer.builder("writer.db.latency").description("Time of one database transaction")
                    .tag("op", op).publishPercentiles(0.5, 0.99).register(metrics));
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; Hikari evicts it
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
