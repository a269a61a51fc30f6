package io.fedge.hub.db;

import io.fedge.hub.fleet.DeviceView;
import io.fedge.hub.fleet.FleetStore;
import io.fedge.provisioning.store.AuditEvent;
import io.fedge.provisioning.store.ClaimTokenRecord;
import io.fedge.provisioning.store.DeviceRecord;
import io.fedge.provisioning.store.ProvisioningStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The hub's provisioning and fleet state over JDBC, on SQLite or PostgreSQL. Every method is one
 * transaction and uses prepared statements only. The schema must have been migrated (see {@link
 * Migrations}).
 *
 * <p>Instants are stored as epoch milliseconds, so they come back truncated to the millisecond.
 *
 * <p>Decisions the store itself refuses are audited as {@code refused}, with the caller's event's
 * time, actor, action, subject and source and one of these reasons: {@value #CLAIM_TOKEN_USED},
 * {@value #CLAIM_TOKEN_UNKNOWN}, {@value #DEVICE_EXISTS}, {@value #DEVICE_UNKNOWN}, {@value
 * #DEVICE_REVOKED}.
 */
public final class JdbcHubStore implements ProvisioningStore, FleetStore {

  /** Audit reason: the claim token was used by an earlier (or concurrent) enrollment. */
  public static final String CLAIM_TOKEN_USED = "claim-token-used";
  /** Audit reason: no claim token has this id. */
  public static final String CLAIM_TOKEN_UNKNOWN = "claim-token-unknown";
  /** Audit reason: a device with this id is already enrolled. */
  public static final String DEVICE_EXISTS = "device-exists";
  /** Audit reason: no device has this id. */
  public static final String DEVICE_UNKNOWN = "device-unknown";
  /** Audit reason: the device is revoked. */
  public static final String DEVICE_REVOKED = "device-revoked";

  private static final HexFormat HEX = HexFormat.of();

  private static final String DEVICE_COLUMNS =
      "device_id, group_name, public_key_fingerprint, cert_serial, cert_not_after, enrolled_at,"
          + " revoked_at, revoked_reason, online, last_seen, agent_version, resources_json";

  private final Database db;

  public JdbcHubStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  // ---------------------------------------------------------------- provisioning

  @Override
  public void insertClaimToken(ClaimTokenRecord token, AuditEvent audit) {
    Objects.requireNonNull(token, "token");
    requireAudit(audit);
    Objects.requireNonNull(token.tokenId(), "tokenId");
    Objects.requireNonNull(token.secretHash(), "secretHash");
    Objects.requireNonNull(token.group(), "group");
    Objects.requireNonNull(token.createdAt(), "createdAt");
    Objects.requireNonNull(token.expiresAt(), "expiresAt");
    Objects.requireNonNull(token.createdBy(), "createdBy");
    if ((token.usedAt() == null) != (token.usedBy() == null)) {
      throw new IllegalArgumentException("usedAt and usedBy must both be set or both be null");
    }
    try {
      db.inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO claim_tokens (token_id, secret_hash, group_name, created_at, expires_at, used_at, used_by, created_by)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, token.tokenId());
          ps.setString(2, HEX.formatHex(token.secretHash()));
          ps.setString(3, token.group());
          ps.setLong(4, millis(token.createdAt()));
          ps.setLong(5, millis(token.expiresAt()));
          setInstant(ps, 6, token.usedAt());
          ps.setString(7, token.usedBy());
          ps.setString(8, token.createdBy());
          ps.executeUpdate();
        }
        insertAudit(c, audit);
        return null;
      });
    } catch (DatabaseException e) {
      if (e.getCause() instanceof SQLException s && db.dialect().isUniqueViolation(s)) {
        throw new IllegalStateException("a claim token with id " + token.tokenId() + " already exists", e);
      }
      throw e;
    }
  }

  @Override
  public Optional<ClaimTokenRecord> findClaimToken(String tokenId) {
    Objects.requireNonNull(tokenId, "tokenId");
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT token_id, secret_hash, group_name, created_at, expires_at, used_at, used_by, created_by"
              + " FROM claim_tokens WHERE token_id = ?")) {
        ps.setString(1, tokenId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new ClaimTokenRecord(
              rs.getString(1),
              HEX.parseHex(rs.getString(2)),
              rs.getString(3),
              instant(rs, 4),
              instant(rs, 5),
              instant(rs, 6),
              rs.getString(7),
              rs.getString(8)));
        }
      }
    });
  }

  @Override
  public boolean completeEnrollment(String tokenId, Instant usedAt, DeviceRecord device, AuditEvent audit) {
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(usedAt, "usedAt");
    Objects.requireNonNull(device, "device");
    requireAudit(audit);
    requireDevice(device);
    try {
      db.inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE claim_tokens SET used_at = ?, used_by = ? WHERE token_id = ? AND used_at IS NULL")) {
          ps.setLong(1, millis(usedAt));
          ps.setString(2, device.deviceId());
          ps.setString(3, tokenId);
          if (ps.executeUpdate() != 1) {
            throw new Refusal(tokenExists(c, tokenId) ? CLAIM_TOKEN_USED : CLAIM_TOKEN_UNKNOWN);
          }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO devices (device_id, group_name, public_key_fingerprint, cert_serial, cert_not_after,"
                + " enrolled_at, revoked_at, revoked_reason, online)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (device_id) DO NOTHING")) {
          ps.setString(1, device.deviceId());
          ps.setString(2, device.group());
          ps.setString(3, device.publicKeyFingerprint());
          ps.setString(4, device.certSerial());
          ps.setLong(5, millis(device.certNotAfter()));
          ps.setLong(6, millis(device.enrolledAt()));
          setInstant(ps, 7, device.revokedAt());
          ps.setString(8, device.revokedReason());
          if (ps.executeUpdate() != 1) {
            throw new Refusal(DEVICE_EXISTS);
          }
        }
        insertAudit(c, audit);
        return null;
      });
      return true;
    } catch (Refusal refusal) {
      audit(refused(audit, refusal.reason));
      return false;
    }
  }

  @Override
  public Optional<DeviceRecord> findDevice(String deviceId) {
    return selectDevice(deviceId).map(v -> new DeviceRecord(
        v.deviceId(), v.group(), v.fingerprint, v.view().certSerial(), v.view().certNotAfter(),
        v.view().enrolledAt(), v.view().revokedAt(), v.view().revokedReason()));
  }

  @Override
  public void updateCertificate(String deviceId, String certSerial, Instant certNotAfter, AuditEvent audit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(certSerial, "certSerial");
    Objects.requireNonNull(certNotAfter, "certNotAfter");
    requireAudit(audit);
    try {
      db.inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE devices SET cert_serial = ?, cert_not_after = ? WHERE device_id = ? AND revoked_at IS NULL")) {
          ps.setString(1, certSerial);
          ps.setLong(2, millis(certNotAfter));
          ps.setString(3, deviceId);
          if (ps.executeUpdate() != 1) {
            throw new Refusal(deviceExists(c, deviceId) ? DEVICE_REVOKED : DEVICE_UNKNOWN);
          }
        }
        insertAudit(c, audit);
        return null;
      });
    } catch (Refusal refusal) {
      audit(refused(audit, refusal.reason));
      throw new IllegalStateException(
          "certificate not recorded for device " + deviceId + ": " + refusal.reason);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also marks the device offline. A refusal (unknown or already revoked) is audited as such.
   */
  @Override
  public boolean revokeDevice(String deviceId, Instant at, String reason, AuditEvent audit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(at, "at");
    requireAudit(audit);
    try {
      db.inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE devices SET revoked_at = ?, revoked_reason = ?, online = 0"
                + " WHERE device_id = ? AND revoked_at IS NULL")) {
          ps.setLong(1, millis(at));
          ps.setString(2, reason);
          ps.setString(3, deviceId);
          if (ps.executeUpdate() != 1) {
            throw new Refusal(deviceExists(c, deviceId) ? DEVICE_REVOKED : DEVICE_UNKNOWN);
          }
        }
        insertAudit(c, audit);
        return null;
      });
      return true;
    } catch (Refusal refusal) {
      audit(refused(audit, refusal.reason));
      return false;
    }
  }

  @Override
  public void audit(AuditEvent event) {
    requireAudit(event);
    db.inTransaction(c -> {
      insertAudit(c, event);
      return null;
    });
  }

  @Override
  public List<AuditEvent> auditTrail(String subject, int limit) {
    requireLimit(limit);
    return db.inTransaction(c -> {
      String sql = "SELECT at, actor, action, subject, outcome, reason, source FROM audit_log"
          + (subject == null ? "" : " WHERE subject = ?")
          + " ORDER BY at DESC, id DESC LIMIT ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (subject != null) {
          ps.setString(i++, subject);
        }
        ps.setInt(i, limit);
        List<AuditEvent> events = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            events.add(new AuditEvent(
                instant(rs, 1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7)));
          }
        }
        return List.copyOf(events);
      }
    });
  }

  // ---------------------------------------------------------------- fleet

  /**
   * {@inheritDoc}
   *
   * <p>Does nothing for an unknown device (a heartbeat never creates one) and ignores a heartbeat
   * older than the device's last sighting (a late redelivery). A revoked device stays offline.
   */
  @Override
  public void recordHeartbeat(String deviceId, Instant at, String agentVersion, String resourcesJson) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(at, "at");
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE devices SET online = CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END,"
              + " last_seen = ?, agent_version = ?, resources_json = ?"
              + " WHERE device_id = ? AND (last_seen IS NULL OR last_seen <= ?)")) {
        ps.setLong(1, millis(at));
        ps.setString(2, agentVersion);
        ps.setString(3, resourcesJson);
        ps.setString(4, deviceId);
        ps.setLong(5, millis(at));
        if (ps.executeUpdate() == 0) {
          return 0;
        }
      }
      // The history behind the console's device charts (schema V5), pruned by the hub.
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO device_heartbeats (device_id, at, agent_version, resources_json) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (device_id, at) DO NOTHING")) {
        ps.setString(1, deviceId);
        ps.setLong(2, millis(at));
        ps.setString(3, agentVersion);
        ps.setString(4, resourcesJson);
        return ps.executeUpdate();
      }
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Online: sets the flag and moves last seen forward to {@code at} (never back). Offline: clears
   * the flag and keeps last seen, unless the device was seen after {@code at} (a stale notice, which
   * is ignored). Does nothing for an unknown device. A revoked device stays offline.
   */
  @Override
  public void setOnline(String deviceId, boolean online, Instant at) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(at, "at");
    db.inTransaction(c -> {
      String sql = online
          ? "UPDATE devices SET online = CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END,"
              + " last_seen = CASE WHEN last_seen IS NULL OR last_seen < ? THEN ? ELSE last_seen END"
              + " WHERE device_id = ?"
          : "UPDATE devices SET online = 0 WHERE device_id = ? AND (last_seen IS NULL OR last_seen <= ?)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (online) {
          ps.setLong(1, millis(at));
          ps.setLong(2, millis(at));
          ps.setString(3, deviceId);
        } else {
          ps.setString(1, deviceId);
          ps.setLong(2, millis(at));
        }
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public int markStaleOffline(Instant seenBefore) {
    Objects.requireNonNull(seenBefore, "seenBefore");
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE devices SET online = 0 WHERE online = 1 AND (last_seen IS NULL OR last_seen < ?)")) {
        ps.setLong(1, millis(seenBefore));
        return ps.executeUpdate();
      }
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also false, storing nothing, when no device has this id.
   */
  @Override
  public boolean insertDeviceEvent(String deviceId, String messageId, Instant at, String name, String detailJson) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(name, "name");
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO device_events (device_id, message_id, at, name, detail_json)"
              + " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM devices WHERE device_id = ?)"
              + " ON CONFLICT (device_id, message_id) DO NOTHING")) {
        ps.setString(1, deviceId);
        ps.setString(2, messageId);
        ps.setLong(3, millis(at));
        ps.setString(4, name);
        ps.setString(5, detailJson);
        ps.setString(6, deviceId);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<StoredDeviceEvent> deviceEvents(String deviceId, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    requireLimit(limit);
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT message_id, at, name, detail_json FROM device_events WHERE device_id = ?"
              + " ORDER BY at DESC, message_id " + db.dialect().binaryCollation() + " DESC LIMIT ?")) {
        ps.setString(1, deviceId);
        ps.setInt(2, limit);
        List<StoredDeviceEvent> events = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            events.add(new StoredDeviceEvent(rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4)));
          }
        }
        return List.copyOf(events);
      }
    });
  }

  @Override
  public List<DeviceView> listDevices(DeviceFilter filter) {
    DeviceFilter f = filter == null ? DeviceFilter.all() : filter;
    return db.inTransaction(c -> {
      StringBuilder sql = new StringBuilder("SELECT ").append(DEVICE_COLUMNS).append(" FROM devices WHERE 1 = 1");
      List<Object> args = new ArrayList<>();
      if (f.group() != null) {
        sql.append(" AND group_name = ?");
        args.add(f.group());
      }
      if (f.online() != null) {
        sql.append(" AND online = ?");
        args.add(f.online() ? 1 : 0);
      }
      if (f.revoked() != null) {
        sql.append(f.revoked() ? " AND revoked_at IS NOT NULL" : " AND revoked_at IS NULL");
      }
      if (f.agentVersion() != null) {
        sql.append(" AND agent_version = ?");
        args.add(f.agentVersion());
      }
      sql.append(" ORDER BY device_id ").append(db.dialect().binaryCollation());
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        List<DeviceView> devices = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            devices.add(readDevice(rs).view());
          }
        }
        return List.copyOf(devices);
      }
    });
  }

  @Override
  public Optional<DeviceView> device(String deviceId) {
    return selectDevice(deviceId).map(DeviceRow::view);
  }

  // ---------------------------------------------------------------- helpers

  /** A devices row: the view plus the one column the view does not carry. */
  private record DeviceRow(DeviceView view, String fingerprint) {
    String deviceId() {
      return view.deviceId();
    }

    String group() {
      return view.group();
    }
  }

  private Optional<DeviceRow> selectDevice(String deviceId) {
    Objects.requireNonNull(deviceId, "deviceId");
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE device_id = ?")) {
        ps.setString(1, deviceId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(readDevice(rs)) : Optional.empty();
        }
      }
    });
  }

  private static DeviceRow readDevice(ResultSet rs) throws SQLException {
    Instant revokedAt = instant(rs, 7);
    DeviceView view = new DeviceView(
        rs.getString(1),
        rs.getString(2),
        revokedAt != null,
        rs.getInt(9) == 1,
        instant(rs, 10),
        rs.getString(11),
        rs.getString(4),
        instant(rs, 5),
        instant(rs, 6),
        revokedAt,
        rs.getString(8),
        rs.getString(12));
    return new DeviceRow(view, rs.getString(3));
  }

  private static boolean tokenExists(Connection c, String tokenId) throws SQLException {
    return exists(c, "SELECT 1 FROM claim_tokens WHERE token_id = ?", tokenId);
  }

  private static boolean deviceExists(Connection c, String deviceId) throws SQLException {
    return exists(c, "SELECT 1 FROM devices WHERE device_id = ?", deviceId);
  }

  private static boolean exists(Connection c, String sql, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void insertAudit(Connection c, AuditEvent e) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO audit_log (at, actor, action, subject, outcome, reason, source) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, millis(e.at()));
      ps.setString(2, e.actor());
      ps.setString(3, e.action());
      ps.setString(4, e.subject());
      ps.setString(5, e.outcome());
      ps.setString(6, e.reason());
      ps.setString(7, e.source());
      ps.executeUpdate();
    }
  }

  private static AuditEvent refused(AuditEvent asked, String reason) {
    return AuditEvent.refused(asked.at(), asked.actor(), asked.action(), asked.subject(), reason, asked.source());
  }

  private static void requireAudit(AuditEvent audit) {
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(audit.at(), "audit.at");
    Objects.requireNonNull(audit.actor(), "audit.actor");
    Objects.requireNonNull(audit.action(), "audit.action");
    if (!"allowed".equals(audit.outcome()) && !"refused".equals(audit.outcome())) {
      throw new IllegalArgumentException("audit outcome must be allowed or refused: " + audit.outcome());
    }
  }

  private static void requireDevice(DeviceRecord d) {
    Objects.requireNonNull(d.deviceId(), "device.deviceId");
    Objects.requireNonNull(d.group(), "device.group");
    Objects.requireNonNull(d.publicKeyFingerprint(), "device.publicKeyFingerprint");
    Objects.requireNonNull(d.certSerial(), "device.certSerial");
    Objects.requireNonNull(d.certNotAfter(), "device.certNotAfter");
    Objects.requireNonNull(d.enrolledAt(), "device.enrolledAt");
  }

  private static void requireLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
  }

  private static long millis(Instant at) {
    return at.toEpochMilli();
  }

  private static void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
    if (at == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, at.toEpochMilli());
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(value);
  }

  /** Thrown inside a transaction to roll it back when the store refuses; never leaves this class. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String reason;

    Refusal(String reason) {
      super(reason, null, false, false);
      this.reason = reason;
    }
  }
}
