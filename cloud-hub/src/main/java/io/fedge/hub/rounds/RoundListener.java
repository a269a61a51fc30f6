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

  /**
   * A round attempt ended (for metrics): {@code state} is DONE or FAILED; {@code invited} devices
   * were asked, {@code participants} sent an update that was stored; {@code aggregation} is zero
   * unless the attempt was aggregated.
   */
  default void attemptEnded(AttemptOutcome outcome) {}

  /** How one round attempt ended; see {@link #attemptEnded}. */
  record AttemptOutcome(String jobId, int round, int attempt, String phase, String state, int invited,
      int participants, java.time.Duration duration, java.time.Duration aggregation) {}

  RoundListener NONE = d -> {};

  /** Tells {@code first}, then {@code second}, of every event; a failing one does not stop the other. */
  static RoundListener both(RoundListener first, RoundListener second) {
    return new RoundListener() {
      @Override
      public void roundCompleted(RoundDigest digest) {
        try {
          first.roundCompleted(digest);
        } finally {
          second.roundCompleted(digest);
        }
      }

      @Override
      public void consentRecorded(
          String jobId, String deviceId, boolean approved, String reason, String decidedBy, java.time.Instant decidedAt) {
        try {
          first.consentRecorded(jobId, deviceId, approved, reason, decidedBy, decidedAt);
        } finally {
          second.consentRecorded(jobId, deviceId, approved, reason, decidedBy, decidedAt);
        }
      }

      @Override
      public void modelPublished(RoundRecords.ModelRow model) {
        try {
          first.modelPublished(model);
        } finally {
          second.modelPublished(model);
        }
      }

      @Override
      public void attemptEnded(AttemptOutcome outcome) {
        try {
          first.attemptEnded(outcome);
        } finally {
          second.attemptEnded(outcome);
        }
      }
    };
  }
}
