package io.fedge.federation.horizontal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the hub can still check when secure aggregation hides the individual updates: only the
 * aggregate. Used instead of {@link AnomalyDetector} when secure aggregation is on; see
 * docs/rounds-ml.md.
 *
 * <ul>
 *   <li>the aggregate is finite;
 *   <li>a norm bound: if every client clipped its delta to L2 norm {@code clipNorm} (as the
 *       protocol requires), the sample-weighted mean delta has norm at most {@code clipNorm}
 *       (triangle inequality). A larger mean delta proves that at least one client did not clip,
 *       though not which one;
 *   <li>a utility check on the owner's validation data: the new global model must not be worse
 *       than the round's starting model by more than {@code maxUtilityDrop}.
 * </ul>
 *
 * A failed check rejects the whole round (the global model stays as it was); it cannot exclude
 * one participant.
 */
public final class SecureAggregateCheck {
  private final double clipNorm;
  private final double maxUtilityDrop;

  /**
   * @param clipNorm the L2 bound each client applied to its delta; {@code Double.POSITIVE_INFINITY}
   *     skips the norm check
   * @param maxUtilityDrop largest tolerated utility loss against the previous global model, &ge; 0
   */
  public SecureAggregateCheck(double clipNorm, double maxUtilityDrop) {
    if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clipNorm must be positive, got " + clipNorm);
    }
    if (!(maxUtilityDrop >= 0)) {
      throw new IllegalArgumentException("maxUtilityDrop must be >= 0, got " + maxUtilityDrop);
    }
    this.clipNorm = clipNorm;
    this.maxUtilityDrop = maxUtilityDrop;
  }

  /**
   * Checks the next global model {@code next} computed from a secure sum against the round's
   * starting model {@code global}; {@code utility} may be null when the owner gave no
   * validation data.
   */
  public Result check(double[] global, double[] next, Utility utility) {
    if (global.length != next.length) {
      throw new IllegalArgumentException("aggregate has " + next.length
          + " parameters, the model " + global.length);
    }
    List<String> reasons = new ArrayList<>();
    double s = 0;
    for (int i = 0; i < next.length; i++) {
      double d = next[i] - global[i];
      s += d * d;
    }
    double norm = Math.sqrt(s);
    if (!Double.isFinite(norm)) {
      reasons.add("non-finite aggregate");
      return new Result(reasons, norm, Double.NaN, Double.NaN);
    }
    if (norm > clipNorm * (1 + 1e-9)) {
      reasons.add(String.format(Locale.ROOT,
          "mean delta norm %.4g exceeds the clipping bound %.4g: some client did not clip",
          norm, clipNorm));
    }
    double before = Double.NaN;
    double after = Double.NaN;
    if (utility != null) {
      before = utility.of(global);
      after = utility.of(next);
      if (after < before - maxUtilityDrop) {
        reasons.add(String.format(Locale.ROOT,
            "validation utility fell from %.4f to %.4f (tolerated drop %.4f)", before, after,
            maxUtilityDrop));
      }
    }
    return new Result(reasons, norm, before, after);
  }

  /**
   * @param reasons why the round is rejected; empty when it passes
   * @param deltaNorm L2 norm of next - global
   * @param utilityBefore utility of the starting model (NaN without validation data)
   * @param utilityAfter utility of the new model (NaN without validation data)
   */
  public record Result(
      List<String> reasons, double deltaNorm, double utilityBefore, double utilityAfter) {
    public Result {
      reasons = List.copyOf(reasons);
    }

    public boolean accepted() {
      return reasons.isEmpty();
    }
  }
}
