package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertical job rows round-trip through both backends the hub runs on (schema V7): SQLite, and
 * PostgreSQL in a schema of its own (required, as for the store contract tests; URL from
 * {@code fedge.test.postgres.url} or {@code FEDGE_TEST_POSTGRES_URL}).
 */
class VerticalStoreTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private static VerticalStore.Row row(String state, Map<String, Double> metrics, String modelId, Instant at) {
    return new VerticalStore.Row("breast-vlr", "{\"id\":\"breast-vlr\"}", state, null, T0.plusSeconds(600),
        Map.of("dev-a", "approved", "dev-b", "approved"), 455,
        Map.of("psi/dev-a", new StageReport("breast-vlr", "psi", true, null, 455, Map.of(), null),
            "lr/dev-b", new StageReport("breast-vlr", "lr", true, null, 455, Map.of(), "ab12")),
        Map.of("dev-b", "ab12"), metrics, modelId, T0, at);
  }

  private static void roundTrip(Database db) {
    Migrations.migrateToLatest(db);
    VerticalStore store = new VerticalStore(db);
    store.save(row("TRAINING", Map.of(), null, T0.plusSeconds(1)));
    store.save(row("DONE", Map.of("test_auc", 0.991, "test_rows", 114.0), "breast-vlr-v1", T0.plusSeconds(2)));
    List<VerticalStore.Row> all = store.all();
    assertThat(all).hasSize(1);
    VerticalStore.Row r = all.get(0);
    assertThat(r.state()).isEqualTo("DONE");
    assertThat(r.modelId()).isEqualTo("breast-vlr-v1");
    assertThat(r.metrics()).containsEntry("test_auc", 0.991).containsEntry("test_rows", 114.0);
    assertThat(r.reports().get("lr/dev-b").shareSha256()).isEqualTo("ab12");
    assertThat(r.reports().get("psi/dev-a").rows()).isEqualTo(455);
    assertThat(r.consent()).containsEntry("dev-b", "approved");
    assertThat(r.alignedRows()).isEqualTo(455);
    assertThat(r.consentUntil()).isEqualTo(T0.plusSeconds(600));
    assertThat(r.createdAt()).isEqualTo(T0);
    assertThat(r.updatedAt()).isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void aJobRowIsUpsertedAndReadBackOnSqlite() {
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("hub.db"))) {
      roundTrip(db);
    }
  }

  @Test
  void aJobRowIsUpsertedAndReadBackOnPostgres() throws Exception {
    String admin = System.getProperty("fedge.test.postgres.url");
    if (admin == null || admin.isBlank()) {
      admin = System.getenv("FEDGE_TEST_POSTGRES_URL");
    }
    if (admin == null || admin.isBlank()) {
      admin = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    }
    String schema = "fedge_vs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(admin); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
    try (Database db = Database.open(admin + (admin.contains("?") ? "&" : "?") + "currentSchema=" + schema)) {
      roundTrip(db);
    } finally {
      try (Connection c = DriverManager.getConnection(admin); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
