package dev.crawlocr.common.kafka;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * Which Kafka cluster a crawl database belongs to (its {@code deployment} row). A database serves one cluster: two
 * deployments sharing it would lease each other's URLs to fetchers that do not know those crawls. The first writer
 * to start claims the database for its broker's cluster; a writer of another cluster refuses to start unless told to
 * take the database over, and {@code crawlctl} refuses to mix the two. Stateless.
 */
public final class ClusterClaim {
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String READ = "SELECT kafka_cluster_id, claimed_at FROM deployment";
    private static final String CLAIM = "INSERT INTO deployment (kafka_cluster_id) VALUES (?) ON CONFLICT (singleton) DO NOTHING";
    private static final String TAKE_OVER = """
            INSERT INTO deployment (kafka_cluster_id) VALUES (?)
            ON CONFLICT (singleton) DO UPDATE SET kafka_cluster_id = EXCLUDED.kafka_cluster_id, claimed_at = now()""";

    /** The database belongs to another Kafka cluster; the message says which and what to do. */
    public static final class MismatchException extends IllegalStateException {
        MismatchException(String message) {
            super(message);
        }
    }

    /** The cluster id of the broker {@code admin} talks to. */
    public static String clusterId(Admin admin) {
        try {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the Kafka cluster id", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the Kafka cluster id: " + e, e);
        }
    }

    /**
     * Claims the database for {@code clusterId} when no cluster has it yet, or when {@code takeOver}; otherwise checks
     * that it is this cluster's.
     *
     * @param how what the message tells a user to do to take the database over, e.g. "DATABASE_TAKE_OVER=true"
     * @throws MismatchException naming both clusters when the database belongs to another one
     */
    public static void claim(Connection db, String clusterId, boolean takeOver, String dbUrl, String bootstrap, String how)
            throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(takeOver ? TAKE_OVER : CLAIM)) {
            ps.setString(1, clusterId);
            ps.executeUpdate();
        }
        verify(db, clusterId, dbUrl, bootstrap, how);
    }

    /**
     * Checks that the database belongs to {@code clusterId}, or to no cluster yet.
     *
     * @throws MismatchException naming both clusters when it belongs to another one
     */
    public static void verify(Connection db, String clusterId, String dbUrl, String bootstrap, String how) throws SQLException {
        Optional<String[]> owner = owner(db);
        if (owner.isPresent() && !owner.get()[0].equals(clusterId)) {
            throw new MismatchException("The database " + dbUrl + " belongs to Kafka cluster " + owner.get()[0] + " (since "
                    + owner.get()[1] + "), but the broker at " + bootstrap + " is cluster " + clusterId
                    + ": use a separate database for this cluster, or move this one to it with " + how + " once the other cluster is stopped");
        }
    }

    /** The owning cluster's id and since when, if any; none in a database no writer has set up yet. */
    private static Optional<String[]> owner(Connection db) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(READ); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getObject(2, OffsetDateTime.class).toString()}) : Optional.empty();
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private ClusterClaim() {
    }
}
