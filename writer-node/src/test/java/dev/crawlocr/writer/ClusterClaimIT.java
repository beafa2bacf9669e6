package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crawlocr.common.config.ConfigException;
import dev.crawlocr.common.kafka.ClusterClaim;
import dev.crawlocr.writer.db.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** A database belongs to one Kafka cluster: a writer of another refuses to start, unless told to take it over. */
class ClusterClaimIT {

    @Test
    void aWriterOfAnotherClusterRefusesToStartUnlessItTakesTheDatabaseOver() {
        try (WriterKit kit = new WriterKit(); Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrap))) {
            String ours = ClusterClaim.clusterId(admin);
            try (Database db = new Database(kit.dbUrl, kit.postgres.user(), kit.postgres.password(), 2, new SimpleMeterRegistry())) {
                db.migrate();
            }
            kit.execute("INSERT INTO deployment (kafka_cluster_id) VALUES ('an-older-cluster')");
            assertThatThrownBy(kit::startWriter).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("The database " + kit.dbUrl + " belongs to Kafka cluster an-older-cluster (since ")
                    .hasMessageContaining("but the broker at " + kit.bootstrap + " is cluster " + ours)
                    .hasMessageContaining("use a separate database for this cluster, or move this one to it with DATABASE_TAKE_OVER=true");

            WriterKit.awaitReady(kit.startWriter("DATABASE_TAKE_OVER", "true"));
            assertThat(kit.strings("SELECT kafka_cluster_id FROM deployment")).containsExactly(ours);
        }
    }
}
