package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub on PostgreSQL (the scale-out store) instead of its embedded SQLite: same behaviour. */
class PostgresHubIT {
  private static final String SERVER =
      System.getenv().getOrDefault("FEDGE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  @TempDir Path dir;
  private final String schema = "fedge_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private HubProcess hub;
  private AgentProcess agent;

  @BeforeEach
  void createSchema() throws Exception {
    try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
  }

  @AfterEach
  void dropSchema() throws Exception {
    if (agent != null) {
      agent.stop();
    }
    if (hub != null) {
      hub.stop();
    }
    try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void aHubOnPostgresqlEnrollsAndKeepsItsFleetAcrossARestart() throws Exception {
    hub = HubProcess.start("pg-hub", dir.resolve("hub"), Map.of("db.url", SERVER + "&currentSchema=" + schema));
    OpsClient ops = hub.ops();
    agent = AgentProcess.start("pg-agent", dir.resolve("agent"), ops.mintClaimBundle("pg-dealers", 600), Map.of());
    await().atMost(Duration.ofSeconds(60)).until(() -> "CONNECTED".equals(agent.connection()));
    String id = agent.deviceId();
    await().atMost(Duration.ofSeconds(20)).until(() -> ops.device(id) != null && ops.device(id).path("online").asBoolean());

    // The state is really in PostgreSQL, in this test's schema.
    try (Connection c = DriverManager.getConnection(SERVER + "&currentSchema=" + schema);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM devices WHERE device_id = '" + id + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }

    hub = hub.restart();
    OpsClient after = hub.ops();
    await().atMost(Duration.ofSeconds(60)).until(() -> after.device(id) != null && after.device(id).path("online").asBoolean());
    assertThat(after.devices()).hasSize(1);
  }
}
