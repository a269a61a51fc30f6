package io.fedge.federation.rounds;

/**
 * The learning a participant does on its own data. The agent implements it with the ML core's
 * local trainer over the consented training data; the protocol code does not know about models.
 */
public interface LocalLearner {
  /** Result of local training: the new parameters, the number of samples used, the mean loss. */
  record Outcome(double[] parameters, long samples, double loss) {}

  /**
   * Column statistics for federated standardisation of the invite's feature columns: for d
   * features, {@code [mean_1..mean_d, var_1..var_d]} (population variance) over {@code samples}
   * rows, returned as an outcome whose parameters hold that vector.
   */
  Outcome columnStats(RoundInvite invite) throws Exception;

  /** Trains from {@code global} on the local data as the invite says (model, hyper, scaler, DP). */
  Outcome train(RoundInvite invite, double[] global) throws Exception;

  /**
   * Scores {@code global}, the model a round of {@code invite}'s job produced, on local rows the
   * training did not use where there are enough (see {@link LocalEvaluation}).
   */
  LocalEvaluation evaluate(RoundInvite invite, double[] global) throws Exception;
}
