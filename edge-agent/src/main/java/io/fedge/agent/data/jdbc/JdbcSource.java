package io.fedge.agent.data.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.agent.data.Column;
import io.fedge.agent.data.ColumnType;
import io.fedge.agent.data.DataException;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DatasetBatch;
import io.fedge.agent.data.IngestMonitor;
import io.fedge.agent.data.IngestProgress;
import io.fedge.agent.data.Schema;
import io.fedge.federation.wire.WireCodec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls new rows of a JDBC query into a dataset on a schedule. Each pull reads {@code SELECT * FROM
 * (query) src WHERE key > last ORDER BY key} in batches; each batch commits its rows together with
 * the batch's last key (the source state), so a crash or an outage at any point resumes exactly
 * after the last committed row. Column types come from the driver's result metadata; the first
 * pull fixes the dataset's schema and a later change of the query's columns stops the source with
 * a clear error instead of loading mismatched rows.
 */
public final class JdbcSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcSource.class);

  private final JdbcSourceConfig cfg;
  private final DataStore store;
  private final IngestMonitor monitor;
  private final Clock clock;
  private final String stateKey;
  private ScheduledFuture<?> task;

  public JdbcSource(JdbcSourceConfig cfg, DataStore store, IngestMonitor monitor, Clock clock) {
    this.cfg = cfg;
    this.store = store;
    this.monitor = monitor;
    this.clock = clock;
    this.stateKey = "jdbc:" + cfg.name();
  }

  public synchronized void start(ScheduledExecutorService scheduler) {
    task = scheduler.scheduleWithFixedDelay(this::pullQuietly, 0, cfg.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void pullQuietly() {
    try {
      pullOnce();
    } catch (RuntimeException e) {
      LOG.warn("JDBC source {} failed, will retry in {}: {}", cfg.name(), cfg.interval(), e.getMessage());
    }
  }

  /** The last committed key, as text (null before the first row). */
  public String lastKey() {
    return store.sourceState(stateKey).map(s -> {
      try {
        return WireCodec.mapper().readTree(s).path("lastKey").asText(null);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new DataException("stored state of JDBC source " + cfg.name() + " is damaged: " + e.getOriginalMessage());
      }
    }).orElse(null);
  }

  /** Pulls until the query has no newer rows; returns the rows loaded (quarantined ones not counted). */
  public synchronized long pullOnce() {
    Instant started = clock.instant();
    long loaded = 0;
    long quarantined = 0;
    String id = "jdbc:" + cfg.name();
    try (Connection c = connect()) {
      try {
        c.setReadOnly(true); // a hint; some drivers (SQLite) only take it at connect time
      } catch (SQLException e) {
        LOG.debug("JDBC source {}: driver ignores the read-only hint", cfg.name());
      }
      probe(c);
      String last = lastKey();
      while (true) {
        Batch b = fetch(c, last);
        if (b.batch.size() == 0) {
          break;
        }
        ObjectNode state = WireCodec.mapper().createObjectNode().put("lastKey", b.lastKey);
        DatasetBatch.Committed done = b.batch.commit(store, stateKey, state.toString(), clock.instant());
        loaded += done.inserted();
        quarantined += done.quarantined();
        last = b.lastKey;
        monitor.update(progress(id, IngestProgress.State.RUNNING, loaded, quarantined, null, started));
        if (b.rows < cfg.batchRows()) {
          break;
        }
      }
      monitor.update(progress(id, IngestProgress.State.DONE, loaded, quarantined, null, started));
      if (loaded + quarantined > 0) {
        LOG.info("JDBC source {}: {} rows loaded, {} quarantined", cfg.name(), loaded, quarantined);
      }
      return loaded;
    } catch (SQLException e) {
      String msg = "JDBC source " + cfg.name() + " failed (SQL state " + e.getSQLState() + "): " + e.getMessage();
      monitor.update(progress(id, IngestProgress.State.FAILED, loaded, quarantined, msg, started));
      throw new DataException(msg, e);
    } catch (DataException e) {
      monitor.update(progress(id, IngestProgress.State.FAILED, loaded, quarantined, e.getMessage(), started));
      throw e;
    }
  }

  /** Checks the query's columns with a zero-row run, so a missing key column gets a clear message. */
  private void probe(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + cfg.query() + ") fedge_src WHERE 1 = 0");
        ResultSet rs = ps.executeQuery()) {
      Schema schema = schema(rs.getMetaData());
      if (schema.indexOf(cfg.keyColumn()) < 0 && indexIgnoringCase(schema, cfg.keyColumn()) < 0) {
        throw new DataException("JDBC source " + cfg.name() + ": the query has no column '" + cfg.keyColumn()
            + "' (columns: " + schema.names() + "); set jdbc." + cfg.name() + ".key to one of them");
      }
    }
  }

  private record Batch(DatasetBatch batch, String lastKey, int rows) {}

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    if (cfg.user() != null) {
      p.setProperty("user", cfg.user());
    }
    if (cfg.password() != null) {
      p.setProperty("password", cfg.password());
    }
    return DriverManager.getConnection(cfg.url(), p);
  }

  private Batch fetch(Connection c, String last) throws SQLException {
    String k = cfg.keyColumn();
    String sql = "SELECT * FROM (" + cfg.query() + ") fedge_src WHERE " + k + (last == null ? " IS NOT NULL" : " > ?")
        + " ORDER BY " + k;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setMaxRows(cfg.batchRows());
      ps.setFetchSize(Math.min(cfg.batchRows(), 1000));
      Schema schema = null;
      int keyIndex = -1;
      if (last != null) {
        ColumnType keyType = storedKeyType();
        if (keyType == ColumnType.INT) {
          ps.setLong(1, Long.parseLong(last));
        } else {
          ps.setString(1, last);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        schema = schema(md);
        keyIndex = schema.indexOf(k);
        if (keyIndex < 0) {
          keyIndex = indexIgnoringCase(schema, k);
        }
        if (keyIndex < 0) {
          throw new DataException("JDBC source " + cfg.name() + ": the query has no column '" + k + "' (columns: "
              + schema.names() + ")");
        }
        ColumnType kt = schema.column(keyIndex).type();
        if (kt != ColumnType.INT && kt != ColumnType.STRING) {
          throw new DataException("JDBC source " + cfg.name() + ": key column '" + k + "' is a " + kt.label()
              + " column; use an increasing int (sequence, auto-increment id) or string key");
        }
        DatasetBatch batch = new DatasetBatch(cfg.dataset(), "jdbc", schema, List.of());
        String lastKey = last;
        int n = 0;
        while (rs.next()) {
          n++;
          Object[] row = new Object[schema.size()];
          String key = rs.getString(keyIndex + 1);
          String error = null;
          for (int i = 0; i < schema.size() && error == null; i++) {
            try {
              row[i] = value(rs, i + 1, schema.column(i));
            } catch (SQLException | IllegalArgumentException e) {
              error = "column '" + schema.column(i).name() + "': " + e.getMessage();
            }
          }
          if (error == null) {
            batch.add(row, cfg.name(), 0);
          } else {
            batch.quarantine(cfg.name(), 0, error, k + "=" + key);
          }
          lastKey = key;
        }
        return new Batch(batch, lastKey, n);
      }
    }
  }

  private ColumnType storedKeyType() {
    return store.dataset(cfg.dataset()).map(d -> {
      int i = d.schema().indexOf(cfg.keyColumn());
      if (i < 0) {
        i = indexIgnoringCase(d.schema(), cfg.keyColumn());
      }
      return i < 0 ? ColumnType.STRING : d.schema().column(i).type();
    }).orElse(ColumnType.STRING);
  }

  private static int indexIgnoringCase(Schema s, String name) {
    for (int i = 0; i < s.size(); i++) {
      if (s.column(i).name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  static Schema schema(ResultSetMetaData md) throws SQLException {
    List<Column> cols = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      cols.add(new Column(md.getColumnLabel(i), type(md.getColumnType(i), md.getScale(i))));
    }
    return new Schema(cols);
  }

  static ColumnType type(int sqlType, int scale) {
    return switch (sqlType) {
      case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> ColumnType.INT;
      case Types.NUMERIC, Types.DECIMAL -> scale == 0 ? ColumnType.INT : ColumnType.FLOAT;
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> ColumnType.FLOAT;
      case Types.BOOLEAN, Types.BIT -> ColumnType.BOOL;
      case Types.DATE -> ColumnType.DATE;
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> ColumnType.TIMESTAMP;
      default -> ColumnType.STRING;
    };
  }

  private static Object value(ResultSet rs, int i, Column col) throws SQLException {
    Object v;
    switch (col.type()) {
      case INT -> v = number(rs.getObject(i), ColumnType.INT);
      case FLOAT -> v = number(rs.getObject(i), ColumnType.FLOAT);
      case BOOL -> v = rs.getBoolean(i);
      case DATE -> {
        String s = rs.getString(i);
        v = s == null ? null : ColumnType.DATE.parse(s.length() > 10 ? s.substring(0, 10) : s);
      }
      case TIMESTAMP -> v = timestamp(rs, i);
      default -> v = rs.getString(i);
    }
    return rs.wasNull() ? null : v;
  }

  /** Numbers as the driver gives them; text (SQLite lets any value into any column) only if it parses. */
  private static Object number(Object o, ColumnType t) {
    if (o == null) {
      return null;
    }
    if (o instanceof Number n) {
      if (t == ColumnType.FLOAT) {
        return n.doubleValue();
      }
      try {
        return new java.math.BigDecimal(n.toString()).longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + n + "' is not an int");
      }
    }
    return t.parse(o.toString());
  }

  private static Object timestamp(ResultSet rs, int i) throws SQLException {
    int t = rs.getMetaData().getColumnType(i);
    try {
      if (t == Types.TIMESTAMP_WITH_TIMEZONE) {
        OffsetDateTime o = rs.getObject(i, OffsetDateTime.class);
        return o == null ? null : o.toInstant().toString();
      }
      LocalDateTime l = rs.getObject(i, LocalDateTime.class);
      return l == null ? null : l.toInstant(ZoneOffset.UTC).toString();
    } catch (SQLException | ClassCastException e) {
      String s = rs.getString(i);
      return s == null ? null : ColumnType.TIMESTAMP.parse(s);
    }
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }

  private IngestProgress progress(String id, IngestProgress.State state, long loaded, long quarantined, String msg,
      Instant started) {
    Instant now = clock.instant();
    return new IngestProgress(id, "jdbc", cfg.dataset(), cfg.name(), state, 0, -1, loaded, quarantined,
        IngestProgress.rate(loaded + quarantined, started, now), -1, msg, started, now);
  }
}
