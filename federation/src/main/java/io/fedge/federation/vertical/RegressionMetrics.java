package io.fedge.federation.vertical;

/** Metrics of a regression model, computed by the guest (the only party with targets). */
public final class RegressionMetrics {
  private RegressionMetrics() {}

  public static double rmse(double[] predictions, double[] targets) {
    check(predictions, targets);
    double s = 0;
    for (int i = 0; i < targets.length; i++) {
      s += (predictions[i] - targets[i]) * (predictions[i] - targets[i]);
    }
    return Math.sqrt(s / targets.length);
  }

  public static double mae(double[] predictions, double[] targets) {
    check(predictions, targets);
    double s = 0;
    for (int i = 0; i < targets.length; i++) {
      s += Math.abs(predictions[i] - targets[i]);
    }
    return s / targets.length;
  }

  /** Coefficient of determination 1 - SS_res / SS_tot (0 when the targets are constant). */
  public static double r2(double[] predictions, double[] targets) {
    check(predictions, targets);
    double mean = 0;
    for (double y : targets) {
      mean += y;
    }
    mean /= targets.length;
    double res = 0;
    double tot = 0;
    for (int i = 0; i < targets.length; i++) {
      res += (predictions[i] - targets[i]) * (predictions[i] - targets[i]);
      tot += (targets[i] - mean) * (targets[i] - mean);
    }
    return tot == 0 ? 0 : 1 - res / tot;
  }

  private static void check(double[] predictions, double[] targets) {
    if (predictions.length < targets.length || targets.length == 0) {
      throw new VerticalException("need a prediction per target, and at least one: " + predictions.length
          + " predictions, " + targets.length + " targets");
    }
  }
}
