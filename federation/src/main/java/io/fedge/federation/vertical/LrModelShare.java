package io.fedge.federation.vertical;

import java.util.List;

/**
 * One party's share of a trained vertical LR model: the model stays split, each party keeps its own
 * share. Scores are sigmoid(Σ_p partialScore_p); the intercept lives in the guest's share as its
 * last weight.
 */
public record LrModelShare(String party, List<String> features, Standardizer standardizer, double[] weights,
    boolean intercept) {
  /** x_p·w_p for one raw row of this party's columns (clipped as in training). */
  public double partialScore(double[] raw) {
    double s = 0;
    for (int j = 0; j < raw.length; j++) {
      double z = Math.max(-LrConfig.CLIP, Math.min(LrConfig.CLIP, standardizer.apply(j, raw[j])));
      s += z * weights[j];
    }
    return intercept ? s + weights[weights.length - 1] : s;
  }
}
