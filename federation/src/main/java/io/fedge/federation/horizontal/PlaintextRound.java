package io.fedge.federation.horizontal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hub's aggregation step for one round when it sees the individual updates (secure
 * aggregation off): record external flags (e.g. bad signatures), screen for anomalies, aggregate
 * the accepted updates, score the accepted participants' contributions. With secure aggregation
 * on, use {@link FedAvg#fromDeltaSum} and {@link SecureAggregateCheck} instead.
 */
public final class PlaintextRound {
  /** How contributions are scored. */
  public enum Scoring {
    /** no scores */
    NONE,
    /** {@link Contributions#leaveOneOut} */
    LEAVE_ONE_OUT,
    /** {@link Contributions#monteCarloShapley} with 10·n permutations, no truncation */
    SHAPLEY
  }

  private final Strategy strategy;
  private final AnomalyDetector detector;
  private final Utility utility;
  private final Scoring scoring;
  private final long seed;

  /**
   * @param utility value of a model on the job owner's validation data; null when there is none
   *     (then scoring must be {@link Scoring#NONE})
   * @param seed seed of the Shapley permutations (e.g. derived from job and round)
   */
  public PlaintextRound(Strategy strategy, AnomalyDetector detector, Utility utility,
      Scoring scoring, long seed) {
    this.strategy = Objects.requireNonNull(strategy, "strategy");
    this.detector = Objects.requireNonNull(detector, "detector");
    this.scoring = Objects.requireNonNull(scoring, "scoring");
    if (utility == null && scoring != Scoring.NONE) {
      throw new IllegalArgumentException(
          "contribution scoring needs validation data from the job owner; use Scoring.NONE");
    }
    this.utility = utility;
    this.seed = seed;
  }

  /**
   * Runs the step.
   *
   * @param externalFlags reasons found outside this library, by client id (e.g. "bad signature")
   * @throws IllegalStateException if every update is flagged: the round cannot produce a model
   */
  public Outcome run(double[] global, List<ClientUpdate> updates,
      Map<String, String> externalFlags) {
    AnomalyReport report = detector.screen(global, updates);
    for (Map.Entry<String, String> f : externalFlags.entrySet()) {
      report = report.withFlag(f.getKey(), f.getValue());
    }
    List<ClientUpdate> accepted = report.accepted();
    if (accepted.isEmpty()) {
      throw new IllegalStateException("all " + updates.size() + " updates were flagged: "
          + report.flagged());
    }
    double[] next = strategy.aggregate(global, accepted);
    List<Contribution> scores = switch (scoring) {
      case NONE -> List.of();
      case LEAVE_ONE_OUT -> Contributions.leaveOneOut(strategy, global, accepted, utility);
      case SHAPLEY -> Contributions.monteCarloShapley(strategy, global, accepted, utility,
          10 * accepted.size(), 0, seed);
    };
    double before = utility == null ? Double.NaN : utility.of(global);
    double after = utility == null ? Double.NaN : utility.of(next);
    return new Outcome(next, report, scores, before, after);
  }

  /**
   * @param nextGlobal the aggregated model
   * @param report every update's verdict, with reasons
   * @param contributions scores of the accepted participants (empty with {@link Scoring#NONE})
   * @param utilityBefore validation utility of the round's starting model (NaN without data)
   * @param utilityAfter validation utility of {@code nextGlobal} (NaN without data)
   */
  public record Outcome(double[] nextGlobal, AnomalyReport report,
      List<Contribution> contributions, double utilityBefore, double utilityAfter) {}
}
