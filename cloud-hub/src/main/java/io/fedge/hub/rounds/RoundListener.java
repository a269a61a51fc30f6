package io.fedge.hub.rounds;

/**
 * Told of every completed round attempt (e.g. to append its digest to the ledger). Called on the
 * coordinator's thread after the round was stored; must not block for long. Exceptions are logged
 * and do not undo the round.
 */
@FunctionalInterface
public interface RoundListener {
  void roundCompleted(RoundDigest digest);

  RoundListener NONE = d -> {};
}
