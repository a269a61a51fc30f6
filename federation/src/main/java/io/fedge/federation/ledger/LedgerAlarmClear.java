package io.fedge.federation.ledger;

/**
 * Body of the hub -> device {@code ledger-clear} message: ops investigated the device's alarm and
 * cleared it; the device takes part in rounds again and keeps verifying from the checkpoint it has.
 *
 * @param clearedBy who cleared it (the ops actor)
 * @param note why (free text from ops, may be empty)
 * @param clearedAt ISO-8601 UTC
 */
public record LedgerAlarmClear(String clearedBy, String note, String clearedAt) {}
