package io.fedge.provisioning;

import io.fedge.provisioning.store.AuditEvent;
import io.fedge.provisioning.store.ClaimTokenRecord;
import io.fedge.provisioning.store.DeviceRecord;
import io.fedge.provisioning.store.ProvisioningStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A faithful, synchronized in-memory implementation of the store contract, for tests. */
class InMemoryProvisioningStore implements ProvisioningStore {
  private final Map<String, ClaimTokenRecord> tokens = new HashMap<>();
  private final Map<String, DeviceRecord> devices = new HashMap<>();
  private final List<AuditEvent> audit = new ArrayList<>();

  @Override
  public synchronized void insertClaimToken(ClaimTokenRecord token, AuditEvent event) {
    if (tokens.containsKey(token.tokenId())) {
      throw new IllegalStateException("duplicate token id");
    }
    tokens.put(token.tokenId(), token);
    audit.add(event);
  }

  @Override
  public synchronized Optional<ClaimTokenRecord> findClaimToken(String tokenId) {
    return Optional.ofNullable(tokens.get(tokenId));
  }

  @Override
  public synchronized boolean completeEnrollment(
      String tokenId, Instant usedAt, DeviceRecord device, AuditEvent event) {
    ClaimTokenRecord t = tokens.get(tokenId);
    String refusal = null;
    if (t == null || t.usedAt() != null) {
      refusal = "token_used";
    } else if (devices.containsKey(device.deviceId())) {
      refusal = "device_exists";
    }
    if (refusal != null) {
      audit.add(new AuditEvent(event.at(), event.actor(), event.action(), event.subject(), "refused", refusal, event.source()));
      return false;
    }
    tokens.put(
        tokenId,
        new ClaimTokenRecord(
            t.tokenId(), t.secretHash(), t.group(), t.createdAt(), t.expiresAt(), usedAt, device.deviceId(), t.createdBy()));
    devices.put(device.deviceId(), device);
    audit.add(event);
    return true;
  }

  @Override
  public synchronized Optional<DeviceRecord> findDevice(String deviceId) {
    return Optional.ofNullable(devices.get(deviceId));
  }

  @Override
  public synchronized void updateCertificate(String deviceId, String certSerial, Instant certNotAfter, AuditEvent event) {
    DeviceRecord d = devices.get(deviceId);
    if (d == null) {
      throw new IllegalStateException("no device " + deviceId);
    }
    devices.put(
        deviceId,
        new DeviceRecord(
            d.deviceId(), d.group(), d.publicKeyFingerprint(), certSerial, certNotAfter, d.enrolledAt(), d.revokedAt(),
            d.revokedReason()));
    audit.add(event);
  }

  @Override
  public synchronized boolean revokeDevice(String deviceId, Instant at, String reason, AuditEvent event) {
    DeviceRecord d = devices.get(deviceId);
    if (d == null || d.revoked()) {
      return false;
    }
    devices.put(
        deviceId,
        new DeviceRecord(
            d.deviceId(), d.group(), d.publicKeyFingerprint(), d.certSerial(), d.certNotAfter(), d.enrolledAt(), at, reason));
    audit.add(event);
    return true;
  }

  @Override
  public synchronized void audit(AuditEvent event) {
    audit.add(event);
  }

  @Override
  public synchronized List<AuditEvent> auditTrail(String subject, int limit) {
    List<AuditEvent> out = new ArrayList<>();
    for (int i = audit.size() - 1; i >= 0 && out.size() < limit; i--) {
      AuditEvent e = audit.get(i);
      if (subject == null || subject.equals(e.subject())) {
        out.add(e);
      }
    }
    return out;
  }

  synchronized int deviceCount() {
    return devices.size();
  }
}
