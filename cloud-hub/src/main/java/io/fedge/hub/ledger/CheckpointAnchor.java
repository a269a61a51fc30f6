package io.fedge.hub.ledger;

import io.fedge.federation.ledger.Checkpoint;

/**
 * An external, independently operated ledger a checkpoint is written to, so that a hub that later
 * signs a conflicting checkpoint (a fork or a rewrite) is contradicted by a record it cannot
 * change. See docs/ledger.md for what anchoring does and does not prove.
 */
public interface CheckpointAnchor {

  /** A short stable name ([a-z0-9-]), recorded with each anchoring, e.g. {@code evm}. */
  String name();

  /**
   * Writes a commitment to {@code checkpoint} (whose signed note is {@code signedNote}) and returns
   * a reference an auditor can look up (for a chain: the transaction hash). Blocks until the
   * external ledger accepted it.
   *
   * @throws Exception when it could not be anchored; the hub retries at the next period
   */
  String anchor(Checkpoint checkpoint, String signedNote) throws Exception;
}
