package io.fedge.provisioning.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What provisioning needs persisted. Implemented over JDBC (SQLite, PostgreSQL) in the hub;
 * every method is one transaction.
 */
public interface ProvisioningStore {

  void insertClaimToken(ClaimTokenRecord token, AuditEvent audit);

  Optional<ClaimTokenRecord> findClaimToken(String tokenId);

  /**
   * In one transaction: marks the token used by {@code device.deviceId()} at {@code usedAt}, inserts
   * the device, and writes the audit event. Returns false, changing nothing but the audit, if the
   * token was already used (a concurrent enrollment won) or the device id already exists.
   *
   * <p>{@code audit} describes the success. When returning false the store writes it with
   * outcome {@code refused} and reason {@code token_used} or {@code device_exists} instead, so
   * the audit trail never claims an enrollment that did not happen.
   */
  boolean completeEnrollment(String tokenId, Instant usedAt, DeviceRecord device, AuditEvent audit);

  Optional<DeviceRecord> findDevice(String deviceId);

  /** Records a renewed certificate for a device, with its audit event, in one transaction. */
  void updateCertificate(String deviceId, String certSerial, Instant certNotAfter, AuditEvent audit);

  /**
   * Marks the device revoked and writes {@code audit}; false, writing nothing, if it does not
   * exist or was already revoked (the caller audits that refusal).
   */
  boolean revokeDevice(String deviceId, Instant at, String reason, AuditEvent audit);

  /** Appends to the audit table on its own (for refusals, which change nothing else). */
  void audit(AuditEvent event);

  /** Newest first, at most {@code limit}; {@code subject} null means every subject. */
  List<AuditEvent> auditTrail(String subject, int limit);
}
