package io.fedge.hub.rounds;

/**
 * Told of every completed round attempt (e.g. to append its digest to the ledger). Called on the
 * coordinator's thread after the round was stored; must not block for long. Exceptions are logged
 * and do not undo the round.
 */
@FunctionalInterface
public interface RoundListener {
  void roundCompleted(RoundDigest digest);

  /** A device's consent decision on a job was recorded (an approval not covering the job counts as a refusal). */
  default void consentRecorded(
      String jobId, String deviceId, boolean approved, String reason, String decidedBy, java.time.Instant decidedAt) {}

  /** A job published a model version into the registry. */
  default void modelPublished(RoundRecords.ModelRow model) {}

  RoundListener NONE = d -> {};
}
