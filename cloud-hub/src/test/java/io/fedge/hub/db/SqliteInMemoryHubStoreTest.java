package io.fedge.hub.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The store contract on an in-memory SQLite database (one kept-open connection). */
class SqliteInMemoryHubStoreTest extends AbstractHubStoreContractTest {

  @Override
  protected Dialect expectedDialect() {
    return Dialect.SQLITE;
  }

  @Override
  protected void prepareEmptyStorage() {
    // every in-memory database starts empty
  }

  @Override
  protected Database openDatabase() {
    return Database.open("jdbc:sqlite::memory:");
  }

  @Override
  protected void assertStorage(Database database) {
    String file = database.inTransaction(c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA database_list")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("name")).isEqualTo("main");
        return rs.getString("file");
      }
    });
    assertThat(file).as("an in-memory database has no file").isNullOrEmpty();
    assertThat(pragma(database, "foreign_keys")).isEqualTo("1");
  }

  static String pragma(Database database, String name) {
    return database.inTransaction(c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
        return rs.next() ? rs.getString(1) : null;
      }
    });
  }

  @Test
  void another_in_memory_database_shares_nothing_with_this_one() {
    enroll("dev-1", "line-1");
    try (Database other = openDatabase()) {
      Migrations.migrateToLatest(other);
      assertThat(new JdbcHubStore(other).findDevice("dev-1")).isEmpty();
    }
    assertThat(store.findDevice("dev-1")).isPresent();
  }
}
