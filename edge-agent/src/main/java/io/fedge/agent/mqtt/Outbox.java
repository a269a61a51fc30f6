package io.fedge.agent.mqtt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue of outbound MQTT messages, kept in SQLite so that nothing the agent decided to
 * send is lost to a crash, a reboot or a long broker outage.
 *
 * <h2>Durability</h2>
 *
 * The outbox opens its own connection to the given database file in WAL mode with {@code
 * synchronous=FULL}. With WAL, {@code NORMAL} already survives a process kill (committed pages sit
 * in the WAL file, which the OS keeps), but a power cut can roll back the last commits. Dealer
 * appliances are switched off at the wall, so an {@link #enqueue} that has returned must be on the
 * disk: {@code FULL} fsyncs the WAL on every commit. The price is one fsync per enqueue; the
 * delivery side batches ({@link #delivered(Collection)}), and losing a delete to a power cut only
 * causes a re-send, which receivers de-duplicate by message id.
 *
 * <h2>Order and size</h2>
 *
 * Rows are returned by {@link #peek} in enqueue order ({@code seq}, an autoincrement key that is
 * never reused). {@link #enqueueLatest} replaces a pending row with the same coalesce key by
 * deleting it and appending the new one (a new {@code seq}): a row that is already in flight is thus
 * never confused with its replacement. When a row limit is set, an enqueue into a full outbox first
 * evicts the oldest coalescible rows (heartbeats and other "only the newest matters" messages); if
 * that is not enough it throws {@link OutboxFullException}. Durable rows are never dropped silently:
 * they leave the outbox only by {@link #delivered} or by being moved to the dead-letter table.
 *
 * <p>All methods are thread-safe (one connection, guarded by a lock).
 */
public final class Outbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  /** No row limit. */
  public static final long UNBOUNDED = Long.MAX_VALUE;

  /** One pending message, as stored. */
  public record Pending(
      long seq,
      String messageId,
      String topic,
      byte[] payload,
      int qos,
      Instant createdAt,
      int attempts,
      String coalesceKey) {}

  /** A message that could not be delivered and was set aside, with the reason. */
  public record DeadLetter(
      long seq,
      String messageId,
      String topic,
      byte[] payload,
      int qos,
      Instant createdAt,
      int attempts,
      String reason,
      Instant deadAt) {}

  private static final String COLS =
      "seq, message_id, topic, payload, qos, created_at, attempts, coalesce_key";

  private final ReentrantLock lock = new ReentrantLock();
  private final Connection conn;
  private final long maxRows;
  private final Clock clock;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final List<java.util.function.Consumer<String>> topicListeners = new CopyOnWriteArrayList<>();
  private long depth;
  private boolean closed;

  private Outbox(Connection conn, long maxRows, Clock clock) throws SQLException {
    this.conn = conn;
    this.maxRows = maxRows;
    this.clock = clock;
    this.depth = count("SELECT COUNT(*) FROM mqtt_outbox");
    conn.commit();
  }

  /** Opens (creating if needed) an outbox without a row limit. */
  public static Outbox open(Path dbFile) {
    return open(dbFile, UNBOUNDED);
  }

  /** Opens (creating if needed) an outbox that holds at most {@code maxRows} pending rows. */
  public static Outbox open(Path dbFile, long maxRows) {
    Objects.requireNonNull(dbFile, "dbFile");
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1: " + maxRows);
    }
    Connection c = null;
    try {
      Path parent = dbFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      c = DriverManager.getConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute(
            "CREATE TABLE IF NOT EXISTS mqtt_outbox ("
                + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " message_id TEXT NOT NULL UNIQUE,"
                + " topic TEXT NOT NULL,"
                + " payload BLOB NOT NULL,"
                + " qos INTEGER NOT NULL,"
                + " created_at INTEGER NOT NULL,"
                + " attempts INTEGER NOT NULL DEFAULT 0,"
                + " coalesce_key TEXT UNIQUE)"); // SQLite UNIQUE admits any number of NULLs
        s.execute(
            "CREATE INDEX IF NOT EXISTS mqtt_outbox_coalescible"
                + " ON mqtt_outbox(seq) WHERE coalesce_key IS NOT NULL");
        s.execute(
            "CREATE TABLE IF NOT EXISTS mqtt_dead_letter ("
                + " seq INTEGER PRIMARY KEY,"
                + " message_id TEXT NOT NULL,"
                + " topic TEXT NOT NULL,"
                + " payload BLOB NOT NULL,"
                + " qos INTEGER NOT NULL,"
                + " created_at INTEGER NOT NULL,"
                + " attempts INTEGER NOT NULL,"
                + " reason TEXT NOT NULL,"
                + " dead_at INTEGER NOT NULL)");
      }
      c.setAutoCommit(false);
      return new Outbox(c, maxRows, Clock.systemUTC());
    } catch (Exception e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // already failing
        }
      }
      throw new OutboxException("cannot open outbox " + dbFile, e);
    }
  }

  /** Registers a callback run (on the enqueuing thread, after commit) whenever a row is added. */
  public void addListener(Runnable onEnqueued) {
    listeners.add(Objects.requireNonNull(onEnqueued, "onEnqueued"));
  }

  public void removeListener(Runnable onEnqueued) {
    listeners.remove(onEnqueued);
  }

  /** Like {@link #addListener}, told the topic of each row added (for per-kind metrics). */
  public void addTopicListener(java.util.function.Consumer<String> onEnqueuedTopic) {
    topicListeners.add(Objects.requireNonNull(onEnqueuedTopic, "onEnqueuedTopic"));
  }

  /** When the oldest pending row was queued; empty when the outbox is empty. */
  public java.util.Optional<Instant> oldestCreatedAt() {
    lock.lock();
    try {
      ensureOpen();
      try (Statement st = conn.createStatement();
          java.sql.ResultSet rs = st.executeQuery("SELECT MIN(created_at) FROM mqtt_outbox")) {
        long at = rs.next() ? rs.getLong(1) : 0;
        boolean none = rs.wasNull();
        conn.commit();
        return none ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(at));
      }
    } catch (SQLException e) {
      rollbackQuietly();
      throw new OutboxException("cannot read the oldest outbox row", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stores a durable message (QoS 1). When this returns, the message is on disk.
   *
   * @throws OutboxFullException if the outbox is at its limit and nothing coalescible is left
   * @throws IllegalArgumentException if a pending row already has this message id
   */
  public void enqueue(String messageId, String topic, byte[] payload) {
    insert(null, messageId, topic, payload);
  }

  /**
   * Stores a message of which only the newest matters (heartbeats): a still-pending row with the
   * same coalesce key is replaced. Coalescible rows are the first evicted when the outbox is full.
   */
  public void enqueueLatest(String coalesceKey, String messageId, String topic, byte[] payload) {
    Objects.requireNonNull(coalesceKey, "coalesceKey");
    insert(coalesceKey, messageId, topic, payload);
  }

  private void insert(String coalesceKey, String messageId, String topic, byte[] payload) {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    lock.lock();
    try {
      ensureOpen();
      long newDepth = depth;
      try {
        if (coalesceKey != null) {
          try (PreparedStatement ps =
              conn.prepareStatement("DELETE FROM mqtt_outbox WHERE coalesce_key = ?")) {
            ps.setString(1, coalesceKey);
            newDepth -= ps.executeUpdate();
          }
        }
        if (newDepth >= maxRows) {
          long excess = newDepth - maxRows + 1;
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "DELETE FROM mqtt_outbox WHERE seq IN (SELECT seq FROM mqtt_outbox"
                      + " WHERE coalesce_key IS NOT NULL ORDER BY seq LIMIT ?)")) {
            ps.setLong(1, excess);
            int evicted = ps.executeUpdate();
            newDepth -= evicted;
            if (evicted > 0) {
              log.info("outbox full: evicted {} coalescible row(s)", evicted);
            }
          }
          if (newDepth >= maxRows) {
            conn.rollback();
            throw new OutboxFullException(maxRows);
          }
        }
        try (PreparedStatement ps =
            conn.prepareStatement(
                "INSERT INTO mqtt_outbox(message_id, topic, payload, qos, created_at, attempts,"
                    + " coalesce_key) VALUES (?, ?, ?, 1, ?, 0, ?)")) {
          ps.setString(1, messageId);
          ps.setString(2, topic);
          ps.setBytes(3, payload);
          ps.setLong(4, clock.millis());
          ps.setString(5, coalesceKey);
          ps.executeUpdate();
        } catch (SQLException e) {
          conn.rollback();
          if (isUniqueViolation(e)) {
            throw new IllegalArgumentException("a pending message already has id " + messageId);
          }
          throw e;
        }
        conn.commit();
        depth = newDepth + 1;
      } catch (SQLException e) {
        rollbackQuietly();
        throw new OutboxException("cannot enqueue message " + messageId, e);
      }
    } finally {
      lock.unlock();
    }
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.warn("outbox listener failed", e);
      }
    }
    for (java.util.function.Consumer<String> l : topicListeners) {
      try {
        l.accept(topic);
      } catch (RuntimeException e) {
        log.warn("outbox listener failed", e);
      }
    }
  }

  /** Up to {@code max} pending rows, oldest first. */
  public List<Pending> peek(int max) {
    return peekAfter(0, max);
  }

  /** Up to {@code max} pending rows with {@code seq > afterSeq}, oldest first. */
  public List<Pending> peekAfter(long afterSeq, int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must not be negative: " + max);
    }
    lock.lock();
    try {
      ensureOpen();
      List<Pending> out = new ArrayList<>(Math.min(max, 1024));
      if (max == 0) {
        return out;
      }
      try (PreparedStatement ps =
          conn.prepareStatement(
              "SELECT " + COLS + " FROM mqtt_outbox WHERE seq > ? ORDER BY seq LIMIT ?")) {
        ps.setLong(1, afterSeq);
        ps.setInt(2, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(
                new Pending(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getBytes(4),
                    rs.getInt(5),
                    Instant.ofEpochMilli(rs.getLong(6)),
                    rs.getInt(7),
                    rs.getString(8)));
          }
        }
        conn.commit();
        return out;
      } catch (SQLException e) {
        rollbackQuietly();
        throw new OutboxException("cannot read outbox", e);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Removes a delivered row. Returns false if it was no longer pending (already delivered). */
  public boolean delivered(long seq) {
    return delivered(List.of(seq)) == 1;
  }

  /** Removes delivered rows in one transaction; returns how many were still pending. */
  public int delivered(Collection<Long> seqs) {
    if (seqs.isEmpty()) {
      return 0;
    }
    lock.lock();
    try {
      ensureOpen();
      int removed = 0;
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM mqtt_outbox WHERE seq = ?")) {
        for (long seq : seqs) {
          ps.setLong(1, seq);
          removed += ps.executeUpdate();
        }
        conn.commit();
        depth -= removed;
        return removed;
      } catch (SQLException e) {
        rollbackQuietly();
        throw new OutboxException("cannot mark rows delivered", e);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records that the receiver refused a row (an error reason code). Increments its attempt count;
   * once it reaches {@code maxAttempts} the row moves to the dead-letter table with the reason.
   *
   * @return true if the row was dead-lettered, false if it stays pending (or was not pending)
   */
  public boolean rejected(long seq, String reason, int maxAttempts) {
    lock.lock();
    try {
      ensureOpen();
      try {
        int attempts;
        try (PreparedStatement ps =
            conn.prepareStatement(
                "UPDATE mqtt_outbox SET attempts = attempts + 1 WHERE seq = ? RETURNING attempts")) {
          ps.setLong(1, seq);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              conn.commit();
              return false;
            }
            attempts = rs.getInt(1);
          }
        }
        if (attempts < maxAttempts) {
          conn.commit();
          return false;
        }
        moveToDeadLetter(seq, reason);
        conn.commit();
        depth--;
        return true;
      } catch (SQLException e) {
        rollbackQuietly();
        throw new OutboxException("cannot record rejection of row " + seq, e);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Moves a pending row to the dead-letter table at once (it can never be sent). */
  public boolean deadLetter(long seq, String reason) {
    lock.lock();
    try {
      ensureOpen();
      try {
        boolean moved = moveToDeadLetter(seq, reason);
        conn.commit();
        if (moved) {
          depth--;
        }
        return moved;
      } catch (SQLException e) {
        rollbackQuietly();
        throw new OutboxException("cannot dead-letter row " + seq, e);
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean moveToDeadLetter(long seq, String reason) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO mqtt_dead_letter(seq, message_id, topic, payload, qos, created_at,"
                + " attempts, reason, dead_at) SELECT seq, message_id, topic, payload, qos,"
                + " created_at, attempts, ?, ? FROM mqtt_outbox WHERE seq = ?")) {
      ps.setString(1, reason == null ? "unknown" : reason);
      ps.setLong(2, clock.millis());
      ps.setLong(3, seq);
      if (ps.executeUpdate() == 0) {
        return false;
      }
    }
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM mqtt_outbox WHERE seq = ?")) {
      ps.setLong(1, seq);
      ps.executeUpdate();
    }
    return true;
  }

  /** Number of pending rows. */
  public long depth() {
    lock.lock();
    try {
      return depth;
    } finally {
      lock.unlock();
    }
  }

  /** The row limit ({@link #UNBOUNDED} if none). */
  public long maxRows() {
    return maxRows;
  }

  /** Number of dead-lettered rows. */
  public long deadLetterDepth() {
    lock.lock();
    try {
      ensureOpen();
      long n = count("SELECT COUNT(*) FROM mqtt_dead_letter");
      conn.commit();
      return n;
    } catch (SQLException e) {
      rollbackQuietly();
      throw new OutboxException("cannot count dead letters", e);
    } finally {
      lock.unlock();
    }
  }

  /** Up to {@code max} dead letters, oldest first. */
  public List<DeadLetter> deadLetters(int max) {
    lock.lock();
    try {
      ensureOpen();
      List<DeadLetter> out = new ArrayList<>();
      try (PreparedStatement ps =
          conn.prepareStatement(
              "SELECT seq, message_id, topic, payload, qos, created_at, attempts, reason, dead_at"
                  + " FROM mqtt_dead_letter ORDER BY seq LIMIT ?")) {
        ps.setInt(1, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(
                new DeadLetter(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getBytes(4),
                    rs.getInt(5),
                    Instant.ofEpochMilli(rs.getLong(6)),
                    rs.getInt(7),
                    rs.getString(8),
                    Instant.ofEpochMilli(rs.getLong(9))));
          }
        }
        conn.commit();
        return out;
      } catch (SQLException e) {
        rollbackQuietly();
        throw new OutboxException("cannot read dead letters", e);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      conn.close();
    } catch (SQLException e) {
      throw new OutboxException("cannot close outbox", e);
    } finally {
      lock.unlock();
    }
  }

  private long count(String sql) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("outbox is closed");
    }
  }

  private void rollbackQuietly() {
    try {
      conn.rollback();
    } catch (SQLException e) {
      log.warn("outbox rollback failed", e);
    }
  }

  private static boolean isUniqueViolation(SQLException e) {
    String m = e.getMessage();
    return m != null && m.contains("UNIQUE constraint failed");
  }
}
