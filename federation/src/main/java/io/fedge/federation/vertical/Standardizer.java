package io.fedge.federation.vertical;

/** Per-feature mean and standard deviation of one party's own columns; part of its model share. */
public record Standardizer(double[] means, double[] stds) {
  /** Fits on the given rows of {@code table}. Constant columns get std 1 (they standardise to 0). */
  public static Standardizer fit(PartyTable table, int[] rows) {
    int d = table.featureCount();
    double[] mean = new double[d];
    double[] m2 = new double[d];
    int count = 0;
    for (int r : rows) {
      count++;
      double[] x = table.row(r);
      for (int j = 0; j < d; j++) {
        double delta = x[j] - mean[j];
        mean[j] += delta / count;
        m2[j] += delta * (x[j] - mean[j]);
      }
    }
    double[] std = new double[d];
    for (int j = 0; j < d; j++) {
      double s = count > 1 ? Math.sqrt(m2[j] / (count - 1)) : 0;
      std[j] = s > 1e-12 ? s : 1.0;
    }
    return new Standardizer(mean, std);
  }

  public double apply(int feature, double value) {
    return (value - means[feature]) / stds[feature];
  }
}
