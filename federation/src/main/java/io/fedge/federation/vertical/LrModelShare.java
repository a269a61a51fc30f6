package io.fedge.federation.vertical;

import java.util.List;

/**
 * One party's share of a trained vertical LR model: the model stays split, each party keeps its own
 * share. Scores are Σ_p partialScore_p, turned into predictions by the job's {@link Objective}; the
 * intercept lives in the guest's share as the last weight of each block. {@code weights} holds one
 * block of features (+ intercept) per model: K blocks, class-major, for multiclass:K, else one.
 */
public record LrModelShare(String party, List<String> features, Standardizer standardizer, double[] weights,
    boolean intercept) {
  /** Models in the share (K for multiclass, else 1). */
  public int models() {
    return weights.length / (features.size() + (intercept ? 1 : 0));
  }

  /** x_p·w_p of the first (binary, regression: only) model for one raw row of this party's columns. */
  public double partialScore(double[] raw) {
    return partialScore(raw, 0);
  }

  /** x_p·w_p of model {@code model} for one raw row (clipped as in training). */
  public double partialScore(double[] raw, int model) {
    int block = features.size() + (intercept ? 1 : 0);
    int w0 = model * block;
    double s = 0;
    for (int j = 0; j < raw.length; j++) {
      double z = Math.max(-LrConfig.CLIP, Math.min(LrConfig.CLIP, standardizer.apply(j, raw[j])));
      s += z * weights[w0 + j];
    }
    return intercept ? s + weights[w0 + block - 1] : s;
  }
}
