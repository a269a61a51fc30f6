package io.fedge.hub.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL, in a schema of its own ({@code fedge_test_<random>}) that is
 * recreated before each test and dropped afterwards. PostgreSQL is required: CI provides it, so an
 * unreachable server fails these tests instead of skipping them. Point them elsewhere with the
 * system property {@code fedge.test.postgres.url} or the environment variable {@code
 * FEDGE_TEST_POSTGRES_URL}.
 */
class PostgresHubStoreTest extends AbstractHubStoreContractTest {

  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  static final String SCHEMA = "fedge_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  static String adminUrl() {
    String url = System.getProperty("fedge.test.postgres.url");
    if (url == null || url.isBlank()) {
      url = System.getenv("FEDGE_TEST_POSTGRES_URL");
    }
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  static String schemaUrl() {
    String admin = adminUrl();
    return admin + (admin.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
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
      fail("PostgreSQL is required for these tests (CI provides it) but " + redacted(adminUrl())
          + " is unreachable (" + e.getMessage()
          + "). Start one, or set -Dfedge.test.postgres.url / FEDGE_TEST_POSTGRES_URL.", e);
    }
  }

  private static String redacted(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    admin("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  protected void prepareEmptyStorage() throws SQLException {
    admin("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    admin("CREATE SCHEMA " + SCHEMA);
  }

  @Override
  protected Database openDatabase() {
    return Database.open(schemaUrl());
  }

  @Override
  protected void assertStorage(Database database) {
    String schema = database.inTransaction(c -> {
      try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT current_schema()")) {
        rs.next();
        return rs.getString(1);
      }
    });
    assertThat(schema).as("tests must run in their own schema").isEqualTo(SCHEMA);
  }

  @Test
  void everything_survives_close_and_reopen() {
    assertEverythingSurvivesCloseAndReopen();
  }

  @Test
  void two_databases_migrating_the_same_schema_at_once_both_succeed() throws Exception {
    assertTwoDatabasesMigratingTheSameStorageAtOnceBothSucceed();
  }

  @Test
  void concurrent_enrollments_through_two_hub_replicas_let_exactly_one_in() throws Exception {
    assertConcurrentEnrollmentsThroughTwoDatabasesLetExactlyOneIn();
  }

  @Test
  void an_unreachable_server_fails_to_open_with_a_clear_message() {
    assertThatThrownBy(() -> Database.open("jdbc:postgresql://127.0.0.1:1/test?user=postgres&connectTimeout=2"))
        .isInstanceOf(DatabaseException.class)
        .hasMessageContaining("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/test");
  }
}
