package io.fedge.hub.ledger;

import io.fedge.hub.db.Database;
import io.fedge.provisioning.EnrollmentService;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logs enrollments and revocations by following the hub's audit trail (table {@code audit_log}),
 * so the enrollment service needs no ledger code: every allowed {@code enroll} becomes an {@code
 * enrollment} entry (recipient: the device, which so gets its first receipt) and every allowed
 * {@code revoke} a {@code revocation} entry. Dedupe keys ({@code enrollment/<id>}, {@code
 * revocation/<id>}) make each pass idempotent, across restarts and hub replicas; each pass
 * re-reads a window of {@link #OVERLAP} before the last one, because audit rows of concurrent
 * replicas may commit out of order. The first pass after start reads the whole trail.
 */
public final class AuditFollower {
  static final Duration OVERLAP = Duration.ofMinutes(10);

  private final Database db;
  private final Ledger ledger;
  private final Clock clock;
  private Instant since = Instant.EPOCH;

  public AuditFollower(Database db, Ledger ledger, Clock clock) {
    this.db = db;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Appends entries for audit rows since the last pass; returns how many rows it looked at. */
  public synchronized int follow() {
    Instant start = clock.instant();
    List<Ledger.Append> batch =
        db.inTransaction(
            c -> {
              List<Ledger.Append> out = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT a.action, a.subject, a.actor, a.at, d.revoked_reason, d.group_name, d.public_key_fingerprint"
                          + " FROM audit_log a LEFT JOIN devices d ON d.device_id = a.subject"
                          + " WHERE a.at >= ? AND a.outcome = 'allowed' AND a.action IN (?, ?) AND a.subject IS NOT NULL"
                          + " ORDER BY a.at, a.id")) {
                ps.setLong(1, since.minus(OVERLAP).toEpochMilli());
                ps.setString(2, EnrollmentService.ACTION_ENROLL);
                ps.setString(3, EnrollmentService.ACTION_REVOKE);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    String action = rs.getString(1);
                    String device = rs.getString(2);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("deviceId", device);
                    body.put("actor", rs.getString(3));
                    body.put("at", Instant.ofEpochMilli(rs.getLong(4)).toString());
                    if (rs.getString(6) != null) {
                      body.put("group", rs.getString(6));
                    }
                    if (EnrollmentService.ACTION_ENROLL.equals(action)) {
                      if (rs.getString(7) != null) {
                        body.put("publicKeyFingerprint", rs.getString(7));
                      }
                      out.add(new Ledger.Append(EntryTypes.ENROLLMENT, body, List.of(device), "enrollment/" + device));
                    } else {
                      if (rs.getString(5) != null) {
                        body.put("reason", rs.getString(5));
                      }
                      out.add(new Ledger.Append(EntryTypes.REVOCATION, body, List.of(), "revocation/" + device));
                    }
                  }
                }
              }
              return out;
            });
    if (!batch.isEmpty()) {
      ledger.appendAll(batch);
    }
    since = start;
    return batch.size();
  }
}
