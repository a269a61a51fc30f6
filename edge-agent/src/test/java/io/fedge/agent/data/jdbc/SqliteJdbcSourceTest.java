package io.fedge.agent.data.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqliteJdbcSourceTest extends JdbcSourceContract {
  @Override
  String url() {
    return "jdbc:sqlite:" + dir.resolve("source.db");
  }

  @Override
  String boolType() {
    return "BOOLEAN";
  }

  @Test
  void aValueThatDoesNotFitItsColumnIsQuarantinedAndTheRestLoads() throws SQLException {
    insert(1, 4);
    sql("INSERT INTO " + table + " VALUES (4, 'x', 'not a number', 1, '2026-01-01')"); // SQLite lets it in
    insert(5, 7);
    assertThat(source("SELECT id, name, amount FROM " + table).pullOnce()).isEqualTo(5);
    assertThat(store().quarantine("orders", 0, 10)).singleElement().satisfies(q -> {
      assertThat(q.reason()).isEqualTo("column 'amount': 'not a number' is not a float");
      assertThat(q.raw()).isEqualTo("id=4");
    });
  }
}
