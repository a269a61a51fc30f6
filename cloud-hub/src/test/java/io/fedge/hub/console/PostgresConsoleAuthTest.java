package io.fedge.hub.console;

import static org.assertj.core.api.Assertions.fail;

import io.fedge.hub.db.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * Console users and sessions on PostgreSQL, each database in a schema of its own that is dropped
 * afterwards. PostgreSQL is required (CI provides it): set {@code -Dfedge.test.postgres.url} or
 * {@code FEDGE_TEST_POSTGRES_URL} to use another server than 127.0.0.1:5432/test.
 */
class PostgresConsoleAuthTest extends AbstractConsoleAuthTest {
  private final List<String> schemas = new ArrayList<>();

  private static String adminUrl() {
    String url = System.getProperty("fedge.test.postgres.url");
    if (url == null || url.isBlank()) {
      url = System.getenv("FEDGE_TEST_POSTGRES_URL");
    }
    return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : url;
  }

  private static void admin(String sql) {
    try (Connection c = DriverManager.getConnection(adminUrl()); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      fail("PostgreSQL is required for this test (CI provides it) but failed: " + e.getMessage()
          + ". Start one, or set -Dfedge.test.postgres.url / FEDGE_TEST_POSTGRES_URL.", e);
    }
  }

  @Override
  protected Database openDatabase() {
    String schema = "fedge_console_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE SCHEMA " + schema);
    schemas.add(schema);
    String url = adminUrl();
    return Database.open(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
  }

  @AfterEach
  void dropSchemas() {
    schemas.forEach(s -> admin("DROP SCHEMA IF EXISTS " + s + " CASCADE"));
  }
}
