package io.fedge.hub.ledger;

import io.fedge.federation.ledger.CompactRange;
import io.fedge.federation.ledger.Rfc9162;
import io.fedge.federation.ledger.SubtreeCache;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Dialect;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The ledger tables of the hub database (schema V2, see docs/ledger.md): append-only entries with
 * their leaf hashes, perfect subtree roots, recipients and receipts, signed checkpoints, anchors.
 *
 * <h2>One writer</h2>
 *
 * Every append batch is one transaction that first serialises against every other writer of the
 * same database: SQLite's {@code BEGIN IMMEDIATE} holds the file's write lock, and on PostgreSQL
 * the transaction takes the advisory lock {@code pg_advisory_xact_lock(LEDGER_LOCK_CLASS,
 * hashtext(current_schema()))} before it reads the size. So hub replicas sharing one PostgreSQL
 * database append in turn, each at the size it read under the lock, and indices never collide (the
 * primary key on {@code idx} would refuse it anyway). A replica whose in-memory compact range is
 * behind (another replica appended) rebuilds it from the stored roots in O(log n) reads.
 */
public final class LedgerStore {
  /** Subtree roots are stored from this level up (256 leaves), so a proof reads at most 256 leaves per subtree. */
  static final int CACHE_MIN_LEVEL = 8;
  /** First key of the PostgreSQL advisory lock that serialises ledger writers ("LDGR"). */
  static final int LEDGER_LOCK_CLASS = 0x4c444752;

  private static final HexFormat HEX = HexFormat.of();

  /** An entry to append: its canonical bytes, type, recipients, and an optional idempotency key. */
  public record NewEntry(String type, byte[] entry, List<String> recipients, String dedupeKey) {}

  /** A stored entry. */
  public record StoredEntry(long index, String type, String entry, byte[] leafHash, Instant appendedAt) {}

  /** A stored signed checkpoint. */
  public record StoredCheckpoint(long size, byte[] rootHash, String note, Instant signedAt) {}

  /** A receipt to send: entry {@code index} to {@code deviceId}. */
  public record PendingReceipt(long index, String deviceId, String entry) {}

  /** An alarm a device raised. */
  public record Alarm(String deviceId, String messageId, Instant raisedAt, String kind, String reason, Instant clearedAt, String clearedBy) {}

  private final Database db;
  private CompactRange range; // guarded by this; the range after the last append this process saw

  public LedgerStore(Database db) {
    this.db = db;
  }

  public Database database() {
    return db;
  }

  /**
   * Appends the batch in one transaction and returns the index of each entry, in order. An entry
   * whose dedupe key is already stored is not appended again; its existing index is returned.
   */
  public synchronized List<Long> append(List<NewEntry> batch, Instant now) {
    if (batch.isEmpty()) {
      return List.of();
    }
    Result r =
        db.inTransaction(
            c -> {
              lockWriters(c);
              long size = size(c);
              CompactRange cr = range != null && range.size() == size ? range.copy() : rebuild(c, size);
              List<Long> out = new ArrayList<>(batch.size());
              List<long[]> subtreeKeys = new ArrayList<>();
              List<byte[]> subtreeRoots = new ArrayList<>();
              SubtreeCache sink =
                  new SubtreeCache() {
                    @Override
                    public byte[] get(int level, long index) {
                      return null;
                    }

                    @Override
                    public void put(int level, long index, byte[] root) {
                      if (level >= CACHE_MIN_LEVEL) {
                        subtreeKeys.add(new long[] {level, index});
                        subtreeRoots.add(root);
                      }
                    }
                  };
              try (PreparedStatement ins =
                      c.prepareStatement(
                          "INSERT INTO ledger_entries (idx, entry_type, entry, leaf_hash, dedupe_key, appended_at) VALUES (?, ?, ?, ?, ?, ?)");
                  PreparedStatement rec =
                      c.prepareStatement("INSERT INTO ledger_recipients (idx, device_id) VALUES (?, ?)")) {
                java.util.Map<String, Long> seenInBatch = new java.util.HashMap<>();
                for (NewEntry e : batch) {
                  if (e.dedupeKey() != null) {
                    Long existing = seenInBatch.containsKey(e.dedupeKey()) ? seenInBatch.get(e.dedupeKey()) : byDedupeKey(c, e.dedupeKey());
                    if (existing != null) {
                      out.add(existing);
                      continue;
                    }
                  }
                  long idx = cr.size();
                  byte[] leaf = Rfc9162.leafHash(e.entry());
                  cr.append(leaf, sink);
                  ins.setLong(1, idx);
                  ins.setString(2, e.type());
                  ins.setString(3, new String(e.entry(), StandardCharsets.UTF_8));
                  ins.setString(4, HEX.formatHex(leaf));
                  ins.setString(5, e.dedupeKey());
                  ins.setLong(6, now.toEpochMilli());
                  ins.addBatch();
                  for (String d : e.recipients()) {
                    rec.setLong(1, idx);
                    rec.setString(2, d);
                    rec.addBatch();
                  }
                  if (e.dedupeKey() != null) {
                    seenInBatch.put(e.dedupeKey(), idx);
                  }
                  out.add(idx);
                }
                ins.executeBatch();
                rec.executeBatch();
              }
              if (!subtreeKeys.isEmpty()) {
                try (PreparedStatement st = c.prepareStatement("INSERT INTO ledger_subtrees (level, idx, hash) VALUES (?, ?, ?)")) {
                  for (int i = 0; i < subtreeKeys.size(); i++) {
                    st.setInt(1, (int) subtreeKeys.get(i)[0]);
                    st.setLong(2, subtreeKeys.get(i)[1]);
                    st.setString(3, HEX.formatHex(subtreeRoots.get(i)));
                    st.addBatch();
                  }
                  st.executeBatch();
                }
              }
              return new Result(out, cr);
            });
    range = r.range;
    return r.indices;
  }

  private record Result(List<Long> indices, CompactRange range) {}

  private void lockWriters(Connection c) throws SQLException {
    if (db.dialect() == Dialect.POSTGRESQL) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))")) {
        ps.setInt(1, LEDGER_LOCK_CLASS);
        ps.execute();
      }
    }
  }

  private static Long byDedupeKey(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT idx FROM ledger_entries WHERE dedupe_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private static CompactRange rebuild(Connection c, long size) {
    return new JdbcTreeReader(c, size).proofs().compactRange(size);
  }

  /** Number of leaves: one past the highest stored index (a deleted row leaves a hole that proofs report). */
  public long size() {
    return db.inTransaction(LedgerStore::size);
  }

  static long size(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(idx) FROM ledger_entries")) {
      rs.next();
      long max = rs.getLong(1);
      return rs.wasNull() ? 0 : max + 1;
    }
  }

  /** Runs {@code work} over a consistent snapshot of the stored tree (proofs and its current size). */
  public <T> T read(TreeWork<T> work) {
    return db.inTransaction(
        c -> {
          long size = size(c);
          return work.run(new JdbcTreeReader(c, size).proofs(), size);
        });
  }

  /** Work on a snapshot of the stored tree. */
  @FunctionalInterface
  public interface TreeWork<T> {
    T run(io.fedge.federation.ledger.Proofs proofs, long size) throws SQLException;
  }

  public List<StoredEntry> entries(long start, int limit) {
    return entries(start, limit, null, null);
  }

  /**
   * Entries from {@code start} in index order, optionally only those of one {@code type} and/or
   * naming {@code recipient} (a device id among the entry's recipients); null means any.
   */
  public List<StoredEntry> entries(long start, int limit, String type, String recipient) {
    StringBuilder sql = new StringBuilder("SELECT e.idx, e.entry_type, e.entry, e.leaf_hash, e.appended_at FROM ledger_entries e WHERE e.idx >= ?");
    if (type != null) {
      sql.append(" AND e.entry_type = ?");
    }
    if (recipient != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM ledger_recipients r WHERE r.idx = e.idx AND r.device_id = ?)");
    }
    sql.append(" ORDER BY e.idx LIMIT ?");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setLong(i++, start);
            if (type != null) {
              ps.setString(i++, type);
            }
            if (recipient != null) {
              ps.setString(i++, recipient);
            }
            ps.setInt(i, limit);
            List<StoredEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new StoredEntry(
                        rs.getLong(1), rs.getString(2), rs.getString(3), HEX.parseHex(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5))));
              }
            }
            return out;
          }
        });
  }

  public Optional<StoredEntry> entry(long index) {
    List<StoredEntry> one = entries(index, 1);
    return one.isEmpty() || one.get(0).index() != index ? Optional.empty() : Optional.of(one.get(0));
  }

  /** The index of the entry with this leaf hash (the first, if the same entry was logged twice). */
  public Optional<Long> indexOfLeaf(byte[] leafHash) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT MIN(idx) FROM ledger_entries WHERE leaf_hash = ?")) {
            ps.setString(1, HEX.formatHex(leafHash));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              long v = rs.getLong(1);
              return rs.wasNull() ? Optional.<Long>empty() : Optional.of(v);
            }
          }
        });
  }

  public boolean isRecipient(long index, String deviceId) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM ledger_recipients WHERE idx = ? AND device_id = ?")) {
            ps.setLong(1, index);
            ps.setString(2, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  // ---- checkpoints

  public void saveCheckpoint(StoredCheckpoint cp) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO ledger_checkpoints (size, root_hash, note, signed_at) VALUES (?, ?, ?, ?) ON CONFLICT (size) DO NOTHING")) {
            ps.setLong(1, cp.size());
            ps.setString(2, HEX.formatHex(cp.rootHash()));
            ps.setString(3, cp.note());
            ps.setLong(4, cp.signedAt().toEpochMilli());
            return ps.executeUpdate();
          }
        });
  }

  public Optional<StoredCheckpoint> latestCheckpoint() {
    return checkpointWhere("ORDER BY size DESC LIMIT 1", null);
  }

  public Optional<StoredCheckpoint> checkpoint(long size) {
    return checkpointWhere("WHERE size = ?", size);
  }

  /** Signed checkpoints, newest first, of size below {@code beforeSize} (all when negative). */
  public List<StoredCheckpoint> checkpoints(long beforeSize, int limit) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT size, root_hash, note, signed_at FROM ledger_checkpoints WHERE size < ? ORDER BY size DESC LIMIT ?")) {
            ps.setLong(1, beforeSize < 0 ? Long.MAX_VALUE : beforeSize);
            ps.setInt(2, limit);
            List<StoredCheckpoint> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(checkpointRow(rs));
              }
            }
            return out;
          }
        });
  }

  /** size, root_hash, note, signed_at */
  private static StoredCheckpoint checkpointRow(ResultSet rs) throws java.sql.SQLException {
    return new StoredCheckpoint(rs.getLong(1), HEX.parseHex(rs.getString(2)), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
  }

  private Optional<StoredCheckpoint> checkpointWhere(String clause, Long arg) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT size, root_hash, note, signed_at FROM ledger_checkpoints " + clause)) {
            if (arg != null) {
              ps.setLong(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(checkpointRow(rs)) : Optional.<StoredCheckpoint>empty();
            }
          }
        });
  }

  // ---- receipts

  /** Recipients of entries below {@code size} not yet sent a receipt, oldest first. */
  public List<PendingReceipt> pendingReceipts(long size, int limit) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT r.idx, r.device_id, e.entry FROM ledger_recipients r JOIN ledger_entries e ON e.idx = r.idx"
                      + " WHERE r.sent_size IS NULL AND r.idx < ? ORDER BY r.idx, r.device_id LIMIT ?")) {
            ps.setLong(1, size);
            ps.setInt(2, limit);
            List<PendingReceipt> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new PendingReceipt(rs.getLong(1), rs.getString(2), rs.getString(3)));
              }
            }
            return out;
          }
        });
  }

  /** Entries naming {@code deviceId} with {@code after < idx < size}, oldest first. */
  public List<PendingReceipt> entriesFor(String deviceId, long after, long size, int limit) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT r.idx, r.device_id, e.entry FROM ledger_recipients r JOIN ledger_entries e ON e.idx = r.idx"
                      + " WHERE r.device_id = ? AND r.idx > ? AND r.idx < ? ORDER BY r.idx LIMIT ?")) {
            ps.setString(1, deviceId);
            ps.setLong(2, after);
            ps.setLong(3, size);
            ps.setInt(4, limit);
            List<PendingReceipt> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new PendingReceipt(rs.getLong(1), rs.getString(2), rs.getString(3)));
              }
            }
            return out;
          }
        });
  }

  /** The largest checkpoint size a receipt was sent to {@code deviceId} under, if any. */
  public Optional<Long> lastSentSize(String deviceId) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT MAX(sent_size) FROM ledger_recipients WHERE device_id = ?")) {
            ps.setString(1, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              long v = rs.getLong(1);
              return rs.wasNull() ? Optional.<Long>empty() : Optional.of(v);
            }
          }
        });
  }

  public void markSent(long index, String deviceId, long size, Instant at) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE ledger_recipients SET sent_size = ?, sent_at = ? WHERE idx = ? AND device_id = ?")) {
            ps.setLong(1, size);
            ps.setLong(2, at.toEpochMilli());
            ps.setLong(3, index);
            ps.setString(4, deviceId);
            return ps.executeUpdate();
          }
        });
  }

  // ---- anchors

  public void saveAnchor(long size, String anchor, String reference, Instant at) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO ledger_anchors (size, anchor, reference, anchored_at) VALUES (?, ?, ?, ?) ON CONFLICT (size, anchor) DO NOTHING")) {
            ps.setLong(1, size);
            ps.setString(2, anchor);
            ps.setString(3, reference);
            ps.setLong(4, at.toEpochMilli());
            return ps.executeUpdate();
          }
        });
  }

  /** The largest checkpoint size anchored with {@code anchor}, or -1. */
  public long lastAnchoredSize(String anchor) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT MAX(size) FROM ledger_anchors WHERE anchor = ?")) {
            ps.setString(1, anchor);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              long v = rs.getLong(1);
              return rs.wasNull() ? -1L : v;
            }
          }
        });
  }

  // ---- alarms

  /** Records an alarm once per (device, message id); returns true if it was new. */
  public boolean raiseAlarm(Alarm a) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO ledger_alarms (device_id, message_id, raised_at, check_kind, reason) VALUES (?, ?, ?, ?, ?)"
                      + " ON CONFLICT (device_id, message_id) DO NOTHING")) {
            ps.setString(1, a.deviceId());
            ps.setString(2, a.messageId());
            ps.setLong(3, a.raisedAt().toEpochMilli());
            ps.setString(4, a.kind());
            ps.setString(5, a.reason());
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** Alarms, open ones only unless {@code includeCleared}, newest first. */
  public List<Alarm> alarms(boolean includeCleared, int limit) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT device_id, message_id, raised_at, check_kind, reason, cleared_at, cleared_by FROM ledger_alarms"
                      + (includeCleared ? "" : " WHERE cleared_at IS NULL")
                      + " ORDER BY raised_at DESC LIMIT ?")) {
            ps.setInt(1, limit);
            List<Alarm> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long cleared = rs.getLong(6);
                Instant clearedAt = rs.wasNull() ? null : Instant.ofEpochMilli(cleared);
                out.add(
                    new Alarm(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getString(5), clearedAt, rs.getString(7)));
              }
            }
            return out;
          }
        });
  }

  /** Clears every open alarm of the device; returns how many. */
  public int clearAlarms(String deviceId, String by, Instant at) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE ledger_alarms SET cleared_at = ?, cleared_by = ? WHERE device_id = ? AND cleared_at IS NULL")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, by);
            ps.setString(3, deviceId);
            return ps.executeUpdate();
          }
        });
  }
}
