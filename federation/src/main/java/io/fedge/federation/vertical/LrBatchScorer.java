package io.fedge.federation.vertical;

import java.util.List;
import java.util.Map;

/**
 * Batch scoring with a vertical LR share: a host sends its partial scores x_h·w_h of the chunk's
 * rows ({@link Part}); the guest adds its own x_g·w_g (with the intercept) and applies the
 * sigmoid. Hosts learn nothing new (they see only ids they already share); the guest learns the
 * hosts' partial scores of the chunk's rows, as in online scoring.
 */
public final class LrBatchScorer implements BatchScorer {
  /** Host to guest: partial scores of the chunk's rows, in chunk order. */
  public record Part(String jobId, int chunk, double[] partials) implements ChunkPart {}

  private final LrModelShare share;

  public LrBatchScorer(LrModelShare share) {
    if (share.weights().length != share.features().size() + (share.intercept() ? 1 : 0)) {
      throw new VerticalException("the LR share of " + share.party() + " has " + share.weights().length
          + " weights for " + share.features().size() + " columns");
    }
    this.share = share;
  }

  @Override
  public List<String> features() {
    return share.features();
  }

  private double[] partials(double[][] rows) {
    double[] u = new double[rows.length];
    for (int k = 0; k < rows.length; k++) {
      if (rows[k].length != share.features().size()) {
        throw new VerticalException("row " + k + " has " + rows[k].length + " values for "
            + share.features().size() + " columns");
      }
      u[k] = share.partialScore(rows[k]);
    }
    return u;
  }

  @Override
  public ChunkPart hostPart(String jobId, int chunk, double[][] rows) {
    if (share.intercept()) {
      throw new VerticalException("the guest's share (with the intercept) cannot score as a host");
    }
    return new Part(jobId, chunk, partials(rows));
  }

  @Override
  public double[] combine(double[][] rows, Map<String, ChunkPart> parts) {
    if (!share.intercept()) {
      throw new VerticalException("a host's share cannot combine scores; only the guest can");
    }
    double[] z = partials(rows);
    for (Map.Entry<String, ChunkPart> e : parts.entrySet()) {
      if (!(e.getValue() instanceof Part p)) {
        throw new VerticalException("host " + e.getKey() + " sent a " + e.getValue().getClass().getSimpleName()
            + " to an LR scoring job");
      }
      if (p.partials().length != z.length) {
        throw new VerticalException("host " + e.getKey() + " returned " + p.partials().length
            + " partial scores for " + z.length + " rows");
      }
      for (int k = 0; k < z.length; k++) {
        z[k] += p.partials()[k];
      }
    }
    double[] prob = new double[z.length];
    for (int k = 0; k < z.length; k++) {
      prob[k] = 1 / (1 + Math.exp(-z[k]));
    }
    return prob;
  }
}
