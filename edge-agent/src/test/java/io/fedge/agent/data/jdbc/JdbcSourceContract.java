package io.fedge.agent.data.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.agent.data.DataException;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DatasetInfo;
import io.fedge.agent.data.IngestMonitor;
import io.fedge.agent.data.IngestProgress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same behaviour of a JDBC source against every database it is tested with. */
abstract class JdbcSourceContract {
  @TempDir Path dir;
  protected String table;
  private DataStore store;
  private final IngestMonitor monitor = new IngestMonitor();

  abstract String url();

  abstract String boolType();

  @BeforeEach
  void createSourceTable() throws SQLException {
    table = "fedge_src_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    sql("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(40), amount REAL, active " + boolType()
        + ", day DATE)");
    store = DataStore.open(dir.resolve("state/data.db"));
  }

  @AfterEach
  void dropSourceTable() throws SQLException {
    store.close();
    sql("DROP TABLE IF EXISTS " + table);
  }

  protected DataStore store() {
    return store;
  }

  protected void sql(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  protected void insert(int from, int to) throws SQLException {
    try (Connection c = DriverManager.getConnection(url());
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?,?,?,?,?)")) {
      for (int i = from; i < to; i++) {
        ps.setInt(1, i);
        ps.setString(2, "n" + i);
        ps.setDouble(3, i + 0.25);
        ps.setBoolean(4, i % 2 == 0);
        ps.setObject(5, java.time.LocalDate.of(2026, 1, 1).plusDays(i));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  protected JdbcSource source(String query) {
    return new JdbcSource(new JdbcSourceConfig("orders", url(), null, null, query, "id", "orders", Duration.ofSeconds(60), 10),
        store, monitor, Clock.systemUTC());
  }

  @Test
  void pullsEveryRowInBatchesAndAfterARestartOnlyTheNewOnes() throws SQLException {
    insert(1, 26);
    assertThat(source("SELECT id, name, amount, active, day FROM " + table).pullOnce()).isEqualTo(25);
    DatasetInfo ds = store.dataset("orders").orElseThrow();
    assertThat(ds.schema().toString()).isEqualTo("id:int, name:string, amount:float, active:bool, day:date");
    assertThat(ds.rowCount()).isEqualTo(25);
    String hashAfterFirst = ds.contentHash();

    store.close();
    store = DataStore.open(dir.resolve("state/data.db"));
    insert(26, 31);
    JdbcSource restarted = source("SELECT id, name, amount, active, day FROM " + table);
    assertThat(restarted.lastKey()).isEqualTo("25");
    assertThat(restarted.pullOnce()).isEqualTo(5);
    assertThat(restarted.pullOnce()).isZero();

    ds = store.dataset("orders").orElseThrow();
    assertThat(ds.rowCount()).isEqualTo(30);
    assertThat(ds.contentHash()).isNotEqualTo(hashAfterFirst);
    Set<Long> ids = new HashSet<>();
    List<Object[]> rows = new ArrayList<>();
    store.scan("orders", List.of("id", "amount", "active", "day"), r -> {
      ids.add((Long) r[0]);
      rows.add(r.clone());
      return true;
    });
    assertThat(ids).hasSize(30);
    assertThat(rows.get(0)).containsExactly(1L, 1.25, false, "2026-01-02");
    assertThat(monitor.snapshot()).extracting(IngestProgress::state).contains(IngestProgress.State.DONE);
  }

  @Test
  void aChangeOfTheQuerysColumnsStopsTheSourceWithAClearError() throws SQLException {
    insert(1, 3);
    source("SELECT id, name FROM " + table).pullOnce();
    insert(3, 5);
    assertThatThrownBy(() -> source("SELECT id, name, amount FROM " + table).pullOnce())
        .isInstanceOf(DataException.class).hasMessageContaining("now yields");
    assertThat(store.dataset("orders").orElseThrow().rowCount()).isEqualTo(2);
    assertThat(monitor.snapshot().get(0).state()).isEqualTo(IngestProgress.State.FAILED);
  }

  @Test
  void aQueryWithoutTheKeyColumnIsRefused() {
    assertThatThrownBy(() -> source("SELECT name FROM " + table).pullOnce())
        .isInstanceOf(DataException.class).hasMessageContaining("no column 'id'");
    assertThatThrownBy(() -> new JdbcSourceConfig("orders", url(), null, null, "SELECT 1;", "id", "orders",
        Duration.ofSeconds(1), 10)).hasMessageContaining("';'");
    assertThat(new JdbcSourceConfig("orders", "jdbc:x://secret@h", null, "pw", "SELECT 1", "id", "orders",
        Duration.ofSeconds(1), 10).toString()).doesNotContain("secret").doesNotContain("pw");
  }
}
