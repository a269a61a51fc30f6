package io.fedge.agent.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The agent's ledger state in SQLite ({@code <data>/state/ledger.db}): the pinned ledger key, the
 * latest checkpoint it verified and keeps, every receipt with its verification state, and alarms.
 * Each write is one autocommitted statement (or one transaction), synchronous=FULL: nothing
 * verified is forgotten on a crash. Thread-safe (synchronized).
 */
public final class ReceiptStore implements AutoCloseable {
  /** Verification state of a receipt. */
  public enum State {
    /** Signature, inclusion and consistency with the kept checkpoint all verified. */
    VERIFIED,
    /** A check failed: an alarm was raised. */
    FAILED,
    /** Signature and inclusion verified; consistency could not be checked yet (hub unreachable). */
    UNCHECKED
  }

  /** One stored receipt. */
  /**
   * A stored receipt. {@code leafHash} is the RFC 9162 leaf hash of the entry; {@code rootHash} the
   * root hash (hex) of the signed checkpoint the inclusion proof was checked against, of size
   * {@code checkpointSize} (null when the receipt failed before its checkpoint was verified, or was
   * stored by a version that did not keep it).
   */
  public record Receipt(long index, String type, String entry, String leafHash, long checkpointSize, String rootHash,
      State state, String detail, Instant receivedAt) {}

  /** The checkpoint the agent keeps: the largest it verified. */
  public record Kept(long size, byte[] rootHash, String note) {}

  /** An alarm raised on this device. */
  public record Alarm(long id, Instant raisedAt, String check, String reason, Instant clearedAt) {}

  private final Connection c;

  private ReceiptStore(Connection c) {
    this.c = c;
  }

  public static ReceiptStore open(Path file) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=FULL");
      st.execute("CREATE TABLE IF NOT EXISTS pinned_key (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT NOT NULL, source TEXT NOT NULL, pinned_at INTEGER NOT NULL)");
      st.execute("CREATE TABLE IF NOT EXISTS kept_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, root_hash BLOB NOT NULL, note TEXT NOT NULL)");
      st.execute("CREATE TABLE IF NOT EXISTS receipts (idx INTEGER PRIMARY KEY, type TEXT NOT NULL, entry TEXT NOT NULL, leaf_hash TEXT NOT NULL,"
          + " checkpoint_size INTEGER NOT NULL, state TEXT NOT NULL, detail TEXT, received_at INTEGER NOT NULL)");
      addColumnIfMissing(c, "receipts", "root_hash", "TEXT");
      st.execute("CREATE TABLE IF NOT EXISTS alarms (id INTEGER PRIMARY KEY AUTOINCREMENT, raised_at INTEGER NOT NULL, check_kind TEXT NOT NULL,"
          + " reason TEXT NOT NULL, cleared_at INTEGER)");
    }
    return new ReceiptStore(c);
  }

  /** Schema upgrade of a store written by an older agent: adds a nullable column. */
  private static void addColumnIfMissing(Connection c, String table, String column, String type) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (column.equalsIgnoreCase(rs.getString("name"))) {
          return;
        }
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
    }
  }

  public synchronized Optional<String> pinnedKey() throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT key FROM pinned_key WHERE id = 1")) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  /** Pins the key unless one is pinned already (a pin is never replaced by the hub). */
  public synchronized void pin(String key, String source, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO pinned_key (id, key, source, pinned_at) VALUES (1, ?, ?, ?)")) {
      ps.setString(1, key);
      ps.setString(2, source);
      ps.setLong(3, at.toEpochMilli());
      ps.executeUpdate();
    }
  }

  public synchronized Optional<Kept> kept() throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT size, root_hash, note FROM kept_checkpoint WHERE id = 1")) {
      return rs.next() ? Optional.of(new Kept(rs.getLong(1), rs.getBytes(2), rs.getString(3))) : Optional.empty();
    }
  }

  public synchronized void keep(Kept k) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO kept_checkpoint (id, size, root_hash, note) VALUES (1, ?, ?, ?)")) {
      ps.setLong(1, k.size());
      ps.setBytes(2, k.rootHash());
      ps.setString(3, k.note());
      ps.executeUpdate();
    }
  }

  public synchronized void saveReceipt(Receipt r) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT OR REPLACE INTO receipts (idx, type, entry, leaf_hash, checkpoint_size, state, detail, received_at, root_hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, r.index());
      ps.setString(2, r.type());
      ps.setString(3, r.entry());
      ps.setString(4, r.leafHash());
      ps.setLong(5, r.checkpointSize());
      ps.setString(6, r.state().name());
      ps.setString(7, r.detail());
      ps.setLong(8, r.receivedAt().toEpochMilli());
      ps.setString(9, r.rootHash());
      ps.executeUpdate();
    }
  }

  public synchronized void setState(long index, State state, String detail) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE receipts SET state = ?, detail = ? WHERE idx = ?")) {
      ps.setString(1, state.name());
      ps.setString(2, detail);
      ps.setLong(3, index);
      ps.executeUpdate();
    }
  }

  /** Receipts, newest index first. */
  public synchronized List<Receipt> receipts(int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT idx, type, entry, leaf_hash, checkpoint_size, state, detail, received_at, root_hash FROM receipts"
            + " ORDER BY idx DESC LIMIT ?")) {
      ps.setInt(1, limit);
      List<Receipt> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Receipt(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
              rs.getString(9), State.valueOf(rs.getString(6)), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8))));
        }
      }
      return out;
    }
  }

  /** Records an alarm; returns false (and records nothing) if the same check and reason is already open. */
  public synchronized boolean raise(Instant at, String check, String reason) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM alarms WHERE cleared_at IS NULL AND check_kind = ? AND reason = ?")) {
      q.setString(1, check);
      q.setString(2, reason);
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) {
          return false;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO alarms (raised_at, check_kind, reason) VALUES (?, ?, ?)")) {
      ps.setLong(1, at.toEpochMilli());
      ps.setString(2, check);
      ps.setString(3, reason);
      ps.executeUpdate();
    }
    return true;
  }

  public synchronized List<Alarm> openAlarms() throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, raised_at, check_kind, reason, cleared_at FROM alarms WHERE cleared_at IS NULL ORDER BY id")) {
      List<Alarm> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Alarm(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), null));
      }
      return out;
    }
  }

  public synchronized int clearAlarms(Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE alarms SET cleared_at = ? WHERE cleared_at IS NULL")) {
      ps.setLong(1, at.toEpochMilli());
      return ps.executeUpdate();
    }
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException e) {
      // closing: nothing left to do
    }
  }
}
