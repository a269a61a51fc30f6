package io.fedge.federation.ledger;

/**
 * Body of the device -> hub {@code ledger-alarm} message: a ledger check failed on the device.
 *
 * @param check what failed: {@code SIGNATURE}, {@code ENTRY}, {@code INCLUSION} or {@code
 *     CONSISTENCY} ({@link LedgerCheckException.Kind})
 * @param reason the verifier's message (no key material, no customer data)
 * @param raisedAt ISO-8601 UTC
 */
public record LedgerAlarm(String check, String reason, String raisedAt) {}
