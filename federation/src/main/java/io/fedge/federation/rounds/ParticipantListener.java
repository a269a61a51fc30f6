package io.fedge.federation.rounds;

/** What a dashboard can show about a participant's rounds. Called on the participant's threads. */
public interface ParticipantListener {
  /**
   * @param stage invited, training, sent, done, failed, declined
   * @param loss local training loss when known, else NaN
   */
  void progress(String jobId, int round, int attempt, String stage, double loss, String detail);

  ParticipantListener NONE = (j, r, a, s, l, d) -> {};
}
