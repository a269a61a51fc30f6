package io.fedge.hub.console;

import io.fedge.hub.api.Role;
import io.fedge.hub.db.Database;
import io.fedge.provisioning.auth.LoginThrottle;
import io.fedge.provisioning.auth.LoginThrottle.Failures;
import io.fedge.provisioning.store.AuditEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The console's tables (schema V5): users, sessions (by the SHA-256 of their id), login failure
 * counters, the heartbeat history, and a filtered view of the audit log. SQLite and PostgreSQL.
 */
public final class ConsoleStore implements LoginThrottle.Counters {
  private final Database db;

  public ConsoleStore(Database db) {
    this.db = db;
  }

  public record UserRow(
      String username, Role role, String passwordHash, boolean mustChangePassword, boolean disabled,
      Instant createdAt, String createdBy, Instant updatedAt) {}

  /** A live session row joined with its user's current role and state. */
  public record SessionRow(
      String idHash, String username, String csrfToken, Instant createdAt, Instant lastSeen, Role role,
      boolean disabled, boolean mustChangePassword) {}

  public record Heartbeat(Instant at, String agentVersion, String resourcesJson) {}

  /** Audit log filter; null fields match everything. */
  public record AuditQuery(String actor, String action, String subject, String outcome, Instant since, int limit) {}

  // ---- users

  public boolean anyUser() {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM console_users LIMIT 1");
          ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    });
  }

  public Optional<UserRow> user(String username) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(USER_SELECT + " WHERE username = ?")) {
        ps.setString(1, username);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(user(rs)) : Optional.<UserRow>empty();
        }
      }
    });
  }

  public List<UserRow> users() {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(USER_SELECT + " ORDER BY username");
          ResultSet rs = ps.executeQuery()) {
        List<UserRow> out = new ArrayList<>();
        while (rs.next()) {
          out.add(user(rs));
        }
        return out;
      }
    });
  }

  /** Inserts a user; false if the name is taken. */
  public boolean insertUser(UserRow u) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO console_users (username, role, password_hash, must_change_password, disabled, created_at,"
              + " created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING")) {
        ps.setString(1, u.username());
        ps.setString(2, u.role().wire());
        ps.setString(3, u.passwordHash());
        ps.setInt(4, u.mustChangePassword() ? 1 : 0);
        ps.setInt(5, u.disabled() ? 1 : 0);
        ps.setLong(6, u.createdAt().toEpochMilli());
        ps.setString(7, u.createdBy());
        ps.setLong(8, u.updatedAt().toEpochMilli());
        return ps.executeUpdate() == 1;
      }
    });
  }

  /**
   * Changes role and disabled flag, unless that would leave no enabled admin (then false and
   * nothing changes). Disabling or changing the role ends the user's sessions.
   */
  public boolean updateUser(String username, Role role, boolean disabled, Instant at) {
    return db.inTransaction(c -> {
      boolean wasActiveAdmin;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM console_users WHERE username = ? AND role = 'admin' AND disabled = 0")) {
        ps.setString(1, username);
        try (ResultSet rs = ps.executeQuery()) {
          wasActiveAdmin = rs.next();
        }
      }
      if (wasActiveAdmin && (role != Role.ADMIN || disabled) && enabledAdmins(c) <= 1) {
        return false;
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE console_users SET role = ?, disabled = ?, updated_at = ? WHERE username = ?")) {
        ps.setString(1, role.wire());
        ps.setInt(2, disabled ? 1 : 0);
        ps.setLong(3, at.toEpochMilli());
        ps.setString(4, username);
        ps.executeUpdate();
      }
      deleteSessionsOf(c, username);
      return true;
    });
  }

  /** Sets a new password hash; with {@code endSessions} also signs the user out everywhere. */
  public void setPassword(String username, String hash, boolean mustChange, Instant at, String keepSessionHash) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE console_users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE username = ?")) {
        ps.setString(1, hash);
        ps.setInt(2, mustChange ? 1 : 0);
        ps.setLong(3, at.toEpochMilli());
        ps.setString(4, username);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM console_sessions WHERE username = ? AND id_hash <> ?")) {
        ps.setString(1, username);
        ps.setString(2, keepSessionHash == null ? "" : keepSessionHash);
        ps.executeUpdate();
      }
      return null;
    });
  }

  private static int enabledAdmins(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM console_users WHERE role = 'admin' AND disabled = 0");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  // ---- sessions

  public void insertSession(String idHash, String username, String csrf, Instant at, String source) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO console_sessions (id_hash, username, csrf_token, created_at, last_seen, source)"
              + " VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, idHash);
        ps.setString(2, username);
        ps.setString(3, csrf);
        ps.setLong(4, at.toEpochMilli());
        ps.setLong(5, at.toEpochMilli());
        ps.setString(6, source);
        return ps.executeUpdate();
      }
    });
  }

  public Optional<SessionRow> session(String idHash) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT s.id_hash, s.username, s.csrf_token, s.created_at, s.last_seen, u.role, u.disabled,"
              + " u.must_change_password FROM console_sessions s JOIN console_users u ON u.username = s.username"
              + " WHERE s.id_hash = ?")) {
        ps.setString(1, idHash);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<SessionRow>empty();
          }
          return Optional.of(new SessionRow(rs.getString(1), rs.getString(2), rs.getString(3),
              Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)),
              Role.parse(rs.getString(6)).orElseThrow(), rs.getInt(7) == 1, rs.getInt(8) == 1));
        }
      }
    });
  }

  public void touchSession(String idHash, Instant at) {
    update("UPDATE console_sessions SET last_seen = ? WHERE id_hash = ?", at.toEpochMilli(), idHash);
  }

  public void deleteSession(String idHash) {
    update("DELETE FROM console_sessions WHERE id_hash = ?", idHash);
  }

  public void deleteSessionsBefore(Instant lastSeenBefore, Instant createdBefore) {
    update("DELETE FROM console_sessions WHERE last_seen < ? OR created_at < ?",
        lastSeenBefore.toEpochMilli(), createdBefore.toEpochMilli());
  }

  private static void deleteSessionsOf(Connection c, String username) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE username = ?")) {
      ps.setString(1, username);
      ps.executeUpdate();
    }
  }

  // ---- login failures

  @Override
  public Failures get(String key) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT failures, locked_until FROM console_login_failures WHERE fail_key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new Failures(rs.getInt(1), Instant.ofEpochMilli(rs.getLong(2))) : Failures.NONE;
        }
      }
    });
  }

  @Override
  public void put(String key, Failures f, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO console_login_failures (fail_key, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (fail_key) DO UPDATE SET failures = excluded.failures,"
              + " locked_until = excluded.locked_until, updated_at = excluded.updated_at")) {
        ps.setString(1, key);
        ps.setInt(2, f.count());
        ps.setLong(3, f.lockedUntil().toEpochMilli());
        ps.setLong(4, at.toEpochMilli());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public void clear(String key) {
    update("DELETE FROM console_login_failures WHERE fail_key = ?", key);
  }

  public void pruneFailures(Instant updatedBefore) {
    update("DELETE FROM console_login_failures WHERE updated_at < ?", updatedBefore.toEpochMilli());
  }

  // ---- heartbeats and audit

  public List<Heartbeat> heartbeats(String deviceId, Instant since, int limit) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT at, agent_version, resources_json FROM device_heartbeats WHERE device_id = ? AND at >= ?"
              + " ORDER BY at DESC LIMIT ?")) {
        ps.setString(1, deviceId);
        ps.setLong(2, since.toEpochMilli());
        ps.setInt(3, limit);
        List<Heartbeat> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Heartbeat(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3)));
          }
        }
        java.util.Collections.reverse(out);
        return out;
      }
    });
  }

  public int pruneHeartbeats(Instant before) {
    return update("DELETE FROM device_heartbeats WHERE at < ?", before.toEpochMilli());
  }

  public List<AuditEvent> audit(AuditQuery q) {
    return db.inTransaction(c -> {
      StringBuilder sql = new StringBuilder(
          "SELECT at, actor, action, subject, outcome, reason, source FROM audit_log WHERE 1 = 1");
      List<Object> args = new ArrayList<>();
      if (q.actor() != null) {
        sql.append(" AND actor = ?");
        args.add(q.actor());
      }
      if (q.action() != null) {
        sql.append(" AND action LIKE ? ESCAPE '!'");
        args.add(q.action().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
      }
      if (q.subject() != null) {
        sql.append(" AND subject = ?");
        args.add(q.subject());
      }
      if (q.outcome() != null) {
        sql.append(" AND outcome = ?");
        args.add(q.outcome());
      }
      if (q.since() != null) {
        sql.append(" AND at >= ?");
        args.add(q.since().toEpochMilli());
      }
      sql.append(" ORDER BY at DESC, id DESC LIMIT ?");
      args.add(q.limit());
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        bind(ps, args.toArray());
        List<AuditEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AuditEvent(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
          }
        }
        return out;
      }
    });
  }

  // ---- plumbing

  private static final String USER_SELECT =
      "SELECT username, role, password_hash, must_change_password, disabled, created_at, created_by, updated_at"
          + " FROM console_users";

  private static UserRow user(ResultSet rs) throws SQLException {
    return new UserRow(rs.getString(1), Role.parse(rs.getString(2)).orElseThrow(), rs.getString(3),
        rs.getInt(4) == 1, rs.getInt(5) == 1, Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7),
        Instant.ofEpochMilli(rs.getLong(8)));
  }

  private int update(String sql, Object... args) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    });
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (args[i] instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else {
        ps.setString(i + 1, (String) args[i]);
      }
    }
  }
}
