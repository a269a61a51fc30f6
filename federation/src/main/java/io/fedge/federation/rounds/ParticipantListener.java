package io.fedge.federation.rounds;

/** What a dashboard can show about a participant's rounds. Called on the participant's threads. */
public interface ParticipantListener {
  /**
   * @param stage invited, training, sent, done, failed, declined
   * @param loss local training loss when known, else NaN
   */
  void progress(String jobId, int round, int attempt, String stage, double loss, String detail);

  /**
   * The global model a finished round produced, evaluated on this device's own rows (nothing of it
   * leaves the device).
   *
   * @param end the hub's {@code round-end} of the round (its {@code trainLoss} is the federation's)
   */
  default void evaluated(RoundEnd end, LocalEvaluation evaluation) {}

  ParticipantListener NONE = (j, r, a, s, l, d) -> {};
}
