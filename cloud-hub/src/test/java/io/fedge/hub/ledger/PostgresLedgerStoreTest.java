package io.fedge.hub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.fedge.hub.db.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The ledger contract on PostgreSQL (required: CI provides it), each test in a fresh schema of its
 * own. Override the server with {@code -Dfedge.test.postgres.url} or {@code FEDGE_TEST_POSTGRES_URL}.
 */
class PostgresLedgerStoreTest extends AbstractLedgerStoreTest {
  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private String schema;

  static String adminUrl() {
    String url = System.getProperty("fedge.test.postgres.url");
    if (url == null || url.isBlank()) {
      url = System.getenv("FEDGE_TEST_POSTGRES_URL");
    }
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  static void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(adminUrl()); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @BeforeAll
  static void requirePostgres() {
    try (Connection c = DriverManager.getConnection(adminUrl())) {
      assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
    } catch (SQLException e) {
      fail("PostgreSQL is required for these tests (CI provides it) but is unreachable: " + e.getMessage(), e);
    }
  }

  private String url() {
    String admin = adminUrl();
    return admin + (admin.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  @Override
  protected Database openFresh() throws SQLException {
    schema = "fedge_ledger_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE SCHEMA " + schema);
    return Database.open(url());
  }

  @Override
  protected Database reopen() {
    return Database.open(url());
  }

  @Override
  protected int exhaustiveSizes() {
    return 70; // every size and leaf up to 70 here; up to 300 on SQLite (same code path, slower server round trips)
  }

  @AfterEach
  void dropSchema() throws SQLException {
    if (db != null) {
      db.close();
      db = null;
    }
    admin("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }
}
