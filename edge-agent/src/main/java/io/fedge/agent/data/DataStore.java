package io.fedge.agent.data;

import io.fedge.agent.data.csv.CsvWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The agent's local data: one SQLite file (WAL) holding the catalog, one table per dataset ({@code
 * ds_<name>}: {@code _row}, {@code _origin}, {@code _line}, then the dataset's columns), the
 * quarantine, the progress of every drop file and the resume point of every source.
 *
 * <p>All writes go through {@link #write}: one connection, one lock, one transaction per call, so a
 * batch of rows, its quarantined rows and its progress marker commit together or not at all. Reads
 * ({@link #read}) use their own short-lived connection and see the last committed state (WAL
 * readers do not block the writer). {@code synchronous=NORMAL}: a power cut may lose the last
 * commits, never consistency; the sources then re-read what was lost (a drop file resumes from its
 * committed offset, a JDBC source from its committed key, OPC UA samples de-duplicate by key).
 */
public final class DataStore implements AutoCloseable {
  /** A unit of work on a connection. */
  public interface Work<T> {
    T run(Connection c) throws SQLException, IOException;
  }

  /** Receives rows of a scan; return false to stop early. */
  public interface RowVisitor {
    boolean visit(Object[] values) throws IOException;
  }

  private final Path file;
  private final Connection writer;
  private final ReentrantLock lock = new ReentrantLock();

  private DataStore(Path file, Connection writer) {
    this.file = file;
    this.writer = writer;
  }

  public static DataStore open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Connection c = connect(file);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        for (String ddl : DDL) {
          s.execute(ddl);
        }
      }
      c.setAutoCommit(false);
      return new DataStore(file, c);
    } catch (SQLException | IOException e) {
      throw new DataStoreException("cannot open the data store " + file + ": " + e.getMessage(), e);
    }
  }

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS datasets (name TEXT PRIMARY KEY, source TEXT NOT NULL, schema_json TEXT NOT NULL,"
        + " row_count INTEGER NOT NULL, quarantine_count INTEGER NOT NULL, content_hash TEXT NOT NULL,"
        + " created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ingest_files (sha256 TEXT PRIMARY KEY, dataset TEXT NOT NULL, file_name TEXT NOT NULL,"
        + " size INTEGER NOT NULL, status TEXT NOT NULL, next_offset INTEGER NOT NULL, next_line INTEGER NOT NULL,"
        + " rows_loaded INTEGER NOT NULL, rows_quarantined INTEGER NOT NULL, error TEXT,"
        + " started_at TEXT NOT NULL, finished_at TEXT)",
    "CREATE TABLE IF NOT EXISTS quarantine (id INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL,"
        + " origin TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL, raw TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS quarantine_by_dataset ON quarantine(dataset, id)",
    "CREATE TABLE IF NOT EXISTS source_state (source TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)"
  };

  private static Connection connect(Path file) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
    }
    return c;
  }

  public Path file() {
    return file;
  }

  /** Runs {@code work} in one transaction on the writer connection. */
  public <T> T write(Work<T> work) {
    lock.lock();
    try {
      try {
        T result = work.run(writer);
        writer.commit();
        return result;
      } catch (SQLException | IOException | RuntimeException e) {
        try {
          writer.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        if (e instanceof RuntimeException re) {
          throw re;
        }
        throw new DataStoreException("data store write failed: " + e.getMessage(), e);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code work} on a fresh read connection (a consistent snapshot while it runs). */
  public <T> T read(Work<T> work) {
    try (Connection c = connect(file)) {
      c.setAutoCommit(false); // one read transaction: one snapshot
      try {
        return work.run(c);
      } finally {
        c.rollback();
      }
    } catch (SQLException | IOException e) {
      throw new DataStoreException("data store read failed: " + e.getMessage(), e);
    }
  }

  // ---- catalog

  public Optional<DatasetInfo> dataset(String name) {
    return read(c -> dataset(c, name));
  }

  public List<DatasetInfo> datasets() {
    return read(
        c -> {
          List<DatasetInfo> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT * FROM datasets ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(info(rs));
            }
          }
          return out;
        });
  }

  static Optional<DatasetInfo> dataset(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM datasets WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(info(rs)) : Optional.empty();
      }
    }
  }

  private static DatasetInfo info(ResultSet rs) throws SQLException {
    return new DatasetInfo(
        rs.getString("name"),
        rs.getString("source"),
        Schema.fromJson(rs.getString("schema_json")),
        rs.getLong("row_count"),
        rs.getLong("quarantine_count"),
        rs.getString("content_hash"),
        Instant.parse(rs.getString("created_at")),
        Instant.parse(rs.getString("updated_at")));
  }

  /** Creates the catalog entry and the table; {@code uniqueKey} columns (may be empty) get a unique index. */
  static void createDataset(Connection c, String name, String source, Schema schema, List<String> uniqueKey, Instant now)
      throws SQLException {
    DatasetNames.check(name);
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(table(name))
        .append(" (_row INTEGER PRIMARY KEY, _origin TEXT NOT NULL, _line INTEGER");
    for (Column col : schema.columns()) {
      ddl.append(", ").append(quote(col.name())).append(' ').append(sqlType(col.type()));
    }
    ddl.append(')');
    try (Statement s = c.createStatement()) {
      s.execute(ddl.toString());
      if (!uniqueKey.isEmpty()) {
        StringBuilder idx = new StringBuilder("CREATE UNIQUE INDEX ").append(quote("ds_" + name + "_key"))
            .append(" ON ").append(table(name)).append(" (");
        for (int i = 0; i < uniqueKey.size(); i++) {
          idx.append(i == 0 ? "" : ", ").append(quote(uniqueKey.get(i)));
        }
        s.execute(idx.append(')').toString());
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO datasets VALUES (?,?,?,0,0,?,?,?)")) {
      ps.setString(1, name);
      ps.setString(2, source);
      ps.setString(3, schema.toJson());
      ps.setString(4, HashChain.EMPTY);
      ps.setString(5, now.toString());
      ps.setString(6, now.toString());
      ps.executeUpdate();
    }
  }

  /** Adds counts to the catalog entry and, when {@code hashUnit} is given, extends its hash chain. */
  static void addToCatalog(Connection c, String name, long rows, long quarantined, String hashUnit, Instant now)
      throws SQLException {
    String hash = null;
    if (hashUnit != null) {
      try (PreparedStatement ps = c.prepareStatement("SELECT content_hash FROM datasets WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new DataException("dataset " + name + " is not in the catalog");
          }
          hash = HashChain.extend(rs.getString(1), hashUnit);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE datasets SET row_count = row_count + ?, quarantine_count = quarantine_count + ?,"
            + " content_hash = COALESCE(?, content_hash), updated_at = ? WHERE name = ?")) {
      ps.setLong(1, rows);
      ps.setLong(2, quarantined);
      ps.setString(3, hash);
      ps.setString(4, now.toString());
      ps.setString(5, name);
      ps.executeUpdate();
    }
  }

  static String table(String dataset) {
    return quote("ds_" + DatasetNames.check(dataset));
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String sqlType(ColumnType t) {
    return switch (t) {
      case INT, BOOL -> "INTEGER";
      case FLOAT -> "REAL";
      default -> "TEXT";
    };
  }

  // ---- rows

  /** {@code INSERT [OR IGNORE] INTO ds_x (_origin, _line, cols...) VALUES (...)}. */
  static PreparedStatement insertRows(Connection c, String dataset, Schema schema, boolean orIgnore) throws SQLException {
    StringBuilder sql = new StringBuilder(orIgnore ? "INSERT OR IGNORE INTO " : "INSERT INTO ")
        .append(table(dataset)).append(" (_origin, _line");
    StringBuilder params = new StringBuilder("?, ?");
    for (Column col : schema.columns()) {
      sql.append(", ").append(quote(col.name()));
      params.append(", ?");
    }
    return c.prepareStatement(sql.append(") VALUES (").append(params).append(')').toString());
  }

  /** Binds one typed row (values as returned by {@link ColumnType#parse}, or null) and adds it to the batch. */
  static void addRow(PreparedStatement ps, Object[] row, String origin, long line) throws SQLException {
    ps.setString(1, origin);
    ps.setLong(2, line);
    for (int i = 0; i < row.length; i++) {
      Object v = row[i];
      int p = i + 3;
      if (v == null) {
        ps.setNull(p, Types.NULL);
      } else if (v instanceof Long l) {
        ps.setLong(p, l);
      } else if (v instanceof Double d) {
        ps.setDouble(p, d);
      } else if (v instanceof Boolean b) {
        ps.setInt(p, b ? 1 : 0);
      } else {
        ps.setString(p, v.toString());
      }
    }
    ps.addBatch();
  }

  static void quarantine(Connection c, String dataset, String origin, long line, String reason, String raw, Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO quarantine (dataset, origin, line, reason, raw, at) VALUES (?,?,?,?,?,?)")) {
      ps.setString(1, dataset);
      ps.setString(2, origin);
      ps.setLong(3, line);
      ps.setString(4, reason);
      ps.setString(5, raw);
      ps.setString(6, now.toString());
      ps.executeUpdate();
    }
  }

  /** A page of the quarantine of {@code dataset}: rows with id greater than {@code afterId}, oldest first. */
  public List<QuarantinedRow> quarantine(String dataset, long afterId, int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be between 1 and 10000, got " + limit);
    }
    return read(
        c -> {
          List<QuarantinedRow> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT * FROM quarantine WHERE dataset = ? AND id > ? ORDER BY id LIMIT ?")) {
            ps.setString(1, dataset);
            ps.setLong(2, afterId);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new QuarantinedRow(rs.getLong("id"), rs.getString("dataset"), rs.getString("origin"),
                    rs.getLong("line"), rs.getString("reason"), rs.getString("raw"), Instant.parse(rs.getString("at"))));
              }
            }
          }
          return out;
        });
  }

  /** Writes the whole quarantine of {@code dataset} as CSV (origin, line, reason, raw, at), streaming. */
  public void exportQuarantineCsv(String dataset, Writer out) throws IOException {
    CsvWriter w = new CsvWriter(out);
    w.write("origin", "line", "reason", "raw", "at");
    long after = 0;
    while (true) {
      List<QuarantinedRow> page = quarantine(dataset, after, 1000);
      for (QuarantinedRow q : page) {
        w.write(q.origin(), Long.toString(q.line()), q.reason(), q.raw(), q.at().toString());
        after = q.id();
      }
      if (page.size() < 1000) {
        break;
      }
    }
    w.flush();
  }

  /** The newest {@code limit} rows of a dataset, column name to stored value, newest first. */
  public List<Map<String, Object>> recentRows(String dataset, int limit) {
    return read(
        c -> {
          Schema schema = dataset(c, dataset).orElseThrow(() -> new DataException("no dataset named " + dataset)).schema();
          List<Map<String, Object>> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT * FROM " + table(dataset) + " ORDER BY _row DESC LIMIT ?")) {
            ps.setInt(1, Math.max(1, Math.min(limit, 1000)));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (Column col : schema.columns()) {
                  row.put(col.name(), storedValue(rs, col));
                }
                out.add(row);
              }
            }
          }
          return out;
        });
  }

  /**
   * Streams the named columns of every row of {@code dataset} in load order, on one snapshot; the
   * visitor gets the stored values (Long, Double, Boolean, String or null) in the order asked.
   */
  public void scan(String dataset, List<String> columns, RowVisitor visitor) {
    read(
        c -> {
          Schema schema = dataset(c, dataset).orElseThrow(() -> new DataException("no dataset named " + dataset)).schema();
          List<Column> cols = new ArrayList<>();
          StringBuilder sql = new StringBuilder("SELECT ");
          for (String n : columns) {
            int i = schema.indexOf(n);
            if (i < 0) {
              throw new DataException("dataset " + dataset + " has no column '" + n + "'");
            }
            cols.add(schema.column(i));
            sql.append(cols.size() == 1 ? "" : ", ").append(quote(n));
          }
          sql.append(" FROM ").append(table(dataset)).append(" ORDER BY _row");
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
              Object[] row = new Object[cols.size()];
              while (rs.next()) {
                for (int i = 0; i < cols.size(); i++) {
                  row[i] = storedValue(rs, cols.get(i));
                }
                if (!visitor.visit(row)) {
                  break;
                }
              }
            }
          }
          return null;
        });
  }

  /** Rows of one {@link #page} read and the load position to continue after. */
  public record Page(List<Object[]> rows, long lastRow) {}

  /**
   * At most {@code limit} rows of {@code dataset} after load position {@code afterRow} (0 for the
   * start), in load order: a bounded read for jobs that go through a dataset chunk by chunk.
   */
  public Page page(String dataset, List<String> columns, long afterRow, int limit) {
    return read(
        c -> {
          List<Column> cols = columnsOf(c, dataset, columns);
          StringBuilder sql = new StringBuilder("SELECT _row");
          for (Column col : cols) {
            sql.append(", ").append(quote(col.name()));
          }
          sql.append(" FROM ").append(table(dataset)).append(" WHERE _row > ? ORDER BY _row LIMIT ?");
          List<Object[]> rows = new ArrayList<>();
          long last = afterRow;
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, afterRow);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                last = rs.getLong(1);
                Object[] row = new Object[cols.size()];
                for (int i = 0; i < cols.size(); i++) {
                  row[i] = storedValue(rs, cols.get(i));
                }
                rows.add(row);
              }
            }
          }
          return new Page(rows, last);
        });
  }

  /**
   * The named columns of the rows of {@code dataset} whose {@code keyColumn} is one of {@code keys}
   * (by the dataset's index when the key is its unique key), keyed by that value; keys without a
   * row are absent. One snapshot.
   */
  public Map<String, Object[]> lookup(String dataset, String keyColumn, List<String> columns, List<String> keys) {
    return read(
        c -> {
          List<Column> cols = columnsOf(c, dataset, columns);
          columnsOf(c, dataset, List.of(keyColumn));
          StringBuilder sql = new StringBuilder("SELECT ");
          for (int i = 0; i < cols.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(quote(cols.get(i).name()));
          }
          sql.append(" FROM ").append(table(dataset)).append(" WHERE ").append(quote(keyColumn)).append(" = ? LIMIT 1");
          Map<String, Object[]> out = new java.util.HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (String k : keys) {
              ps.setString(1, k);
              try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  Object[] row = new Object[cols.size()];
                  for (int i = 0; i < cols.size(); i++) {
                    row[i] = storedValue(rs, cols.get(i));
                  }
                  out.put(k, row);
                }
              }
            }
          }
          return out;
        });
  }

  private static List<Column> columnsOf(Connection c, String dataset, List<String> columns) throws SQLException {
    Schema schema = dataset(c, dataset).orElseThrow(() -> new DataException("no dataset named " + dataset)).schema();
    List<Column> cols = new ArrayList<>();
    for (String n : columns) {
      int i = schema.indexOf(n);
      if (i < 0) {
        throw new DataException("dataset " + dataset + " has no column '" + n + "'");
      }
      cols.add(schema.column(i));
    }
    return cols;
  }

  private static Object storedValue(ResultSet rs, Column col) throws SQLException {
    String n = col.name();
    Object v;
    switch (col.type()) {
      case INT -> v = rs.getLong(n);
      case FLOAT -> v = rs.getDouble(n);
      case BOOL -> v = rs.getInt(n) != 0;
      default -> v = rs.getString(n);
    }
    return rs.wasNull() ? null : v;
  }

  // ---- source state (resume points of JDBC and OPC UA sources)

  static Optional<String> sourceState(Connection c, String source) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT state FROM source_state WHERE source = ?")) {
      ps.setString(1, source);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  public Optional<String> sourceState(String source) {
    return read(c -> sourceState(c, source));
  }

  static void putSourceState(Connection c, String source, String state, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO source_state VALUES (?,?,?) ON CONFLICT(source) DO UPDATE SET state = excluded.state,"
            + " updated_at = excluded.updated_at")) {
      ps.setString(1, source);
      ps.setString(2, state);
      ps.setString(3, now.toString());
      ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      writer.close();
    } catch (SQLException e) {
      throw new DataStoreException("closing the data store failed: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }
}
