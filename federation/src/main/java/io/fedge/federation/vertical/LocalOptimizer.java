package io.fedge.federation.vertical;

/**
 * Per-coordinate optimiser a party applies to its own weights. Adam and SGD act coordinate by
 * coordinate, so the parties running them separately on their own blocks equals one optimiser on
 * the joined weight vector.
 */
final class LocalOptimizer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;
  private final boolean adam;
  private final double rate;
  private final double[] m;
  private final double[] v;
  private int step;

  LocalOptimizer(String kind, double rate, int dims) {
    this.adam = "adam".equals(kind);
    this.rate = rate;
    this.m = new double[dims];
    this.v = new double[dims];
  }

  void apply(double[] weights, double[] gradient) {
    step++;
    if (!adam) {
      for (int j = 0; j < weights.length; j++) {
        weights[j] -= rate * gradient[j];
      }
      return;
    }
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    for (int j = 0; j < weights.length; j++) {
      m[j] = BETA1 * m[j] + (1 - BETA1) * gradient[j];
      v[j] = BETA2 * v[j] + (1 - BETA2) * gradient[j] * gradient[j];
      weights[j] -= rate * (m[j] / c1) / (Math.sqrt(v[j] / c2) + EPS);
    }
  }
}
