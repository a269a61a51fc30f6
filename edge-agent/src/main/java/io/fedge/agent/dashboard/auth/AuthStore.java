package io.fedge.agent.dashboard.auth;

import io.fedge.provisioning.auth.LoginThrottle;
import io.fedge.provisioning.auth.LoginThrottle.Failures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * The dashboard's security state in its own SQLite file ({@code state/dashboard.db}): the pairing
 * code's hash, the admin account, sessions (by SHA-256 of their id, never the id itself) and
 * failure counters for the lockout. Everything survives a restart; every change is one transaction.
 * Thread-safe (one connection, synchronized).
 */
final class AuthStore implements AutoCloseable, LoginThrottle.Counters {
  record Pairing(String codeHash, Instant createdAt, Instant spentAt) {}

  record Account(String username, String passwordHash, Instant createdAt) {}

  record SessionRow(String idHash, String username, String csrfToken, Instant createdAt, Instant lastSeen) {}

  private final Connection conn;

  private AuthStore(Connection conn) {
    this.conn = conn;
  }

  static AuthStore open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("CREATE TABLE IF NOT EXISTS pairing (id INTEGER PRIMARY KEY CHECK (id = 1),"
            + " code_hash TEXT NOT NULL, created_at INTEGER NOT NULL, spent_at INTEGER)");
        s.execute("CREATE TABLE IF NOT EXISTS account (username TEXT PRIMARY KEY,"
            + " password_hash TEXT NOT NULL, created_at INTEGER NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS session (id_hash TEXT PRIMARY KEY, username TEXT NOT NULL,"
            + " csrf_token TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS failure (key TEXT PRIMARY KEY, count INTEGER NOT NULL,"
            + " locked_until INTEGER NOT NULL, last_at INTEGER NOT NULL)");
      }
      c.setAutoCommit(false);
      c.commit();
      return new AuthStore(c);
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the dashboard's state in " + file + ": " + e.getMessage(), e);
    }
  }

  synchronized Optional<Pairing> pairing() {
    return query("SELECT code_hash, created_at, spent_at FROM pairing WHERE id = 1", ps -> {}, rs ->
        new Pairing(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
            rs.getObject(3) == null ? null : Instant.ofEpochMilli(rs.getLong(3))));
  }

  synchronized void createPairing(String codeHash, Instant at) {
    update("INSERT INTO pairing (id, code_hash, created_at) VALUES (1, ?, ?)", ps -> {
      ps.setString(1, codeHash);
      ps.setLong(2, at.toEpochMilli());
    });
  }

  /** Spends the code and creates the account in one transaction; false if the code was already spent. */
  synchronized boolean completePairing(String username, String passwordHash, Instant at) {
    try (PreparedStatement spend = conn.prepareStatement("UPDATE pairing SET spent_at = ? WHERE id = 1 AND spent_at IS NULL");
        PreparedStatement acct = conn.prepareStatement("INSERT INTO account (username, password_hash, created_at) VALUES (?, ?, ?)")) {
      spend.setLong(1, at.toEpochMilli());
      if (spend.executeUpdate() != 1) {
        conn.rollback();
        return false;
      }
      acct.setString(1, username);
      acct.setString(2, passwordHash);
      acct.setLong(3, at.toEpochMilli());
      acct.executeUpdate();
      conn.commit();
      return true;
    } catch (SQLException e) {
      rollback();
      throw new IllegalStateException("dashboard state: " + e.getMessage(), e);
    }
  }

  synchronized boolean hasAccount() {
    return query("SELECT 1 FROM account LIMIT 1", ps -> {}, rs -> true).isPresent();
  }

  synchronized Optional<Account> account(String username) {
    return query("SELECT username, password_hash, created_at FROM account WHERE username = ?",
        ps -> ps.setString(1, username),
        rs -> new Account(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
  }

  @Override
  public synchronized Failures get(String key) {
    return query("SELECT count, locked_until FROM failure WHERE key = ?", ps -> ps.setString(1, key),
        rs -> new Failures(rs.getInt(1), Instant.ofEpochMilli(rs.getLong(2)))).orElse(Failures.NONE);
  }

  @Override
  public synchronized void put(String key, Failures f, Instant at) {
    update("INSERT INTO failure (key, count, locked_until, last_at) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT(key) DO UPDATE SET count = excluded.count, locked_until = excluded.locked_until, last_at = excluded.last_at",
        ps -> {
          ps.setString(1, key);
          ps.setInt(2, f.count());
          ps.setLong(3, f.lockedUntil().toEpochMilli());
          ps.setLong(4, at.toEpochMilli());
        });
  }

  @Override
  public synchronized void clear(String key) {
    update("DELETE FROM failure WHERE key = ?", ps -> ps.setString(1, key));
  }

  /** Forgets counters of keys that are not locked and saw no failure since {@code before}. */
  synchronized void pruneFailures(Instant before) {
    update("DELETE FROM failure WHERE last_at < ? AND locked_until < ?", ps -> {
      ps.setLong(1, before.toEpochMilli());
      ps.setLong(2, before.toEpochMilli());
    });
  }

  synchronized void insertSession(SessionRow s) {
    update("INSERT INTO session (id_hash, username, csrf_token, created_at, last_seen) VALUES (?, ?, ?, ?, ?)", ps -> {
      ps.setString(1, s.idHash());
      ps.setString(2, s.username());
      ps.setString(3, s.csrfToken());
      ps.setLong(4, s.createdAt().toEpochMilli());
      ps.setLong(5, s.lastSeen().toEpochMilli());
    });
  }

  synchronized Optional<SessionRow> session(String idHash) {
    return query("SELECT id_hash, username, csrf_token, created_at, last_seen FROM session WHERE id_hash = ?",
        ps -> ps.setString(1, idHash),
        rs -> new SessionRow(rs.getString(1), rs.getString(2), rs.getString(3),
            Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))));
  }

  synchronized void touchSession(String idHash, Instant at) {
    update("UPDATE session SET last_seen = ? WHERE id_hash = ?", ps -> {
      ps.setLong(1, at.toEpochMilli());
      ps.setString(2, idHash);
    });
  }

  synchronized void deleteSession(String idHash) {
    update("DELETE FROM session WHERE id_hash = ?", ps -> ps.setString(1, idHash));
  }

  synchronized void deleteSessionsBefore(Instant idleCutoff, Instant absoluteCutoff) {
    update("DELETE FROM session WHERE last_seen < ? OR created_at < ?", ps -> {
      ps.setLong(1, idleCutoff.toEpochMilli());
      ps.setLong(2, absoluteCutoff.toEpochMilli());
    });
  }

  @Override
  public synchronized void close() {
    try {
      conn.close();
    } catch (SQLException e) {
      // closing: nothing left to do
    }
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private interface Mapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> Optional<T> query(String sql, Binder b, Mapper<T> m) {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      b.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        Optional<T> r = rs.next() ? Optional.of(m.map(rs)) : Optional.empty();
        conn.commit();
        return r;
      }
    } catch (SQLException e) {
      rollback();
      throw new IllegalStateException("dashboard state: " + e.getMessage(), e);
    }
  }

  private void update(String sql, Binder b) {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      b.bind(ps);
      ps.executeUpdate();
      conn.commit();
    } catch (SQLException e) {
      rollback();
      throw new IllegalStateException("dashboard state: " + e.getMessage(), e);
    }
  }

  private void rollback() {
    try {
      conn.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the next call reports it
    }
  }
}
