package io.fedge.provisioning.store;

import java.time.Instant;

/**
 * A claim token as the hub stores it: never the secret, only its hash.
 *
 * @param tokenId public part of the token, used to look it up
 * @param secretHash SHA-256 of the secret part
 * @param group device group every device enrolled with this token joins
 * @param createdAt when it was minted
 * @param expiresAt after this instant it is refused
 * @param usedAt when a device enrolled with it (null while unused)
 * @param usedBy device id that used it (null while unused)
 * @param createdBy the operator who minted it
 */
public record ClaimTokenRecord(
    String tokenId,
    byte[] secretHash,
    String group,
    Instant createdAt,
    Instant expiresAt,
    Instant usedAt,
    String usedBy,
    String createdBy) {}
