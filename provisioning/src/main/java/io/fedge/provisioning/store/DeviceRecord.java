package io.fedge.provisioning.store;

import java.time.Instant;

/**
 * A device's identity as provisioning knows it.
 *
 * @param deviceId assigned by the hub at enrollment (see {@code DeviceIdentityRules})
 * @param group device group, from the claim token
 * @param publicKeyFingerprint SHA-256 (hex) of the device public key's SubjectPublicKeyInfo
 * @param certSerial serial (hex) of the newest certificate issued to it
 * @param certNotAfter expiry of that certificate
 * @param enrolledAt first enrollment
 * @param revokedAt null unless revoked; a revoked device can neither connect nor renew
 * @param revokedReason why, as the operator said
 */
public record DeviceRecord(
    String deviceId,
    String group,
    String publicKeyFingerprint,
    String certSerial,
    Instant certNotAfter,
    Instant enrolledAt,
    Instant revokedAt,
    String revokedReason) {

  public boolean revoked() {
    return revokedAt != null;
  }
}
