package io.fedge.federation.vertical;

import java.util.List;
import java.util.Map;

/**
 * The messages of vertical logistic regression (docs/vertical.md has the sequence). Fixed-point
 * ring elements are longs (Z_{2^64}, two's complement).
 */
public final class LrMessages {
  private LrMessages() {}

  /**
   * Arbiter to each party: the job, the parties, and the party's mask seeds. {@code ownerSeeds}
   * maps each other party B to the seed of the pair (this party's matrix, B's vector);
   * {@code vectorSeeds} maps each other party A to the seed of the pair (A's matrix, this party's
   * vector).
   */
  public record Setup(String jobId, LrConfig config, String guest, List<String> hosts,
      Map<String, byte[]> ownerSeeds, Map<String, byte[]> vectorSeeds) implements VerticalMessage {}

  /** Party to arbiter: row count, matrix columns (the guest counts its intercept), id-order digest. */
  public record Ready(String jobId, int rows, int columns, String idsDigest) implements VerticalMessage {}

  /** Arbiter to parties: which aligned rows train and which validate. */
  public record Plan(String jobId, int[] trainRows, int[] validationRows) implements VerticalMessage {}

  /** Party A to party B, once: A's fixed-point columns minus its mask (row-major, rows x columns). */
  public record MaskedFeatures(String jobId, int columns, long[] values) implements VerticalMessage {}

  /** Party to arbiter: it holds every other party's masked features. */
  public record FeaturesExchanged(String jobId) implements VerticalMessage {}

  /**
   * Arbiter to party B: start a mini-batch; {@code correlations} maps each matrix owner A to
   * c_B = U_batch^T s - c_A for the pair (A, B).
   */
  public record BatchStart(String jobId, int epoch, int batch, int[] rows, Map<String, long[]> correlations)
      implements VerticalMessage {}

  /** Party B to party A: B's masked residual share v - s and its product share M'^T v + c_B. */
  public record CrossTerm(String jobId, int epoch, int batch, long[] maskedVector, long[] share)
      implements VerticalMessage {}

  /** Party to arbiter: it has updated its weights for the batch. */
  public record BatchDone(String jobId, int epoch, int batch) implements VerticalMessage {}

  /** Arbiter to parties: score the validation rows with the current weights. */
  public record EvaluateValidation(String jobId, int epoch) implements VerticalMessage {}

  /** Host to guest: its partial linear scores x_h·w_h for the rows of a request. */
  public record PartialScores(String jobId, String requestId, double[] scores) implements VerticalMessage {}

  /** Guest to arbiter: validation metrics after an epoch (no per-row values). */
  public record EpochReport(String jobId, int epoch, double validationLoss, double validationAuc)
      implements VerticalMessage {}

  /** Arbiter to parties: whether this epoch is the best so far and whether training stops. */
  public record EpochVerdict(String jobId, int epoch, boolean best, boolean stop) implements VerticalMessage {}

  /** Party to arbiter: it has kept the best weights; its share of the model is final. */
  public record Trained(String jobId) implements VerticalMessage {}

  /**
   * Requester (the hub) to every party: score these ids. The guest combines the hosts' partial
   * scores; with {@code replyToRequester} it returns the probabilities in a {@link ScoreResult},
   * otherwise it keeps them (batch scoring: results for the guest only).
   */
  public record ScoreRequest(String jobId, String requestId, List<String> ids, boolean replyToRequester)
      implements VerticalMessage {}

  /** Guest to requester: probabilities of class 1, in request order. */
  public record ScoreResult(String jobId, String requestId, double[] scores) implements VerticalMessage {}
}
