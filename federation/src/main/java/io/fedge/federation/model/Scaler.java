package io.fedge.federation.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * Standardisation z = (x - mean) / std per feature. A scaler is just two arrays, so it can be
 * sent over the wire and applied by every party alike.
 *
 * <p>Federated fitting: each party computes its {@link Moments} (count, per-feature sum and sum of
 * squares) with {@link Moments#of(Table)}, the moments are summed (in the clear, or through secure
 * aggregation, since they are plain sums), and {@link #fromMoments(Moments)} yields the same scaler
 * as {@link #fit(Table)} on the union of the data. A feature with zero variance gets std 1, so it
 * is only centred.
 *
 * @param mean per-feature mean
 * @param std per-feature standard deviation (population), all positive and finite
 */
public record Scaler(double[] mean, double[] std) {

  public Scaler {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(std, "std");
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException(
          "mean and std must have the same non-zero length, got " + mean.length + " and "
              + std.length);
    }
    for (int j = 0; j < mean.length; j++) {
      if (!Double.isFinite(mean[j]) || !(std[j] > 0) || !Double.isFinite(std[j])) {
        throw new IllegalArgumentException(
            "feature " + j + ": mean " + mean[j] + ", std " + std[j]
                + "; std must be positive and both finite");
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Fits on one table (the union, when used centrally). */
  public static Scaler fit(Table t) {
    return fromMoments(Moments.of(t));
  }

  /** The scaler of the data whose summed moments are given. */
  public static Scaler fromMoments(Moments m) {
    if (m.count() < 1) {
      throw new IllegalArgumentException("cannot fit a scaler on zero rows");
    }
    int d = m.sum.length;
    double[] mean = new double[d];
    double[] std = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] = m.sum[j] / m.count;
      double var = m.sumSquares[j] / m.count - mean[j] * mean[j];
      double s = Math.sqrt(Math.max(0, var));
      std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1.0;
    }
    return new Scaler(mean, std);
  }

  /** A new table with every feature standardised; labels and names unchanged. */
  public Table transform(Table t) {
    if (t.cols() != mean.length) {
      throw new IllegalArgumentException(
          "scaler fitted on " + mean.length + " features, table has " + t.cols());
    }
    int d = mean.length;
    double[] out = new double[t.x().length];
    double[] x = t.x();
    for (int i = 0, at = 0; i < t.rows(); i++) {
      for (int j = 0; j < d; j++, at++) {
        out[at] = (x[at] - mean[j]) / std[j];
      }
    }
    return new Table(t.rows(), d, out, t.y(), t.columns());
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scaler s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Scaler" + Arrays.toString(mean) + Arrays.toString(std);
  }

  /**
   * Sufficient statistics of a scaler: row count and per-feature sums of x and x^2. Summing the
   * moments of disjoint tables gives the moments of their union.
   */
  public record Moments(long count, double[] sum, double[] sumSquares) {
    public Moments {
      Objects.requireNonNull(sum, "sum");
      Objects.requireNonNull(sumSquares, "sumSquares");
      if (count < 0 || sum.length != sumSquares.length) {
        throw new IllegalArgumentException("bad moments: count " + count + ", lengths "
            + sum.length + "/" + sumSquares.length);
      }
      sum = sum.clone();
      sumSquares = sumSquares.clone();
    }

    public static Moments of(Table t) {
      int d = t.cols();
      double[] s = new double[d];
      double[] s2 = new double[d];
      double[] x = t.x();
      for (int i = 0, at = 0; i < t.rows(); i++) {
        for (int j = 0; j < d; j++, at++) {
          double v = x[at];
          s[j] += v;
          s2[j] += v * v;
        }
      }
      return new Moments(t.rows(), s, s2);
    }

    /** Moments of the union of both tables' rows. */
    public Moments plus(Moments o) {
      if (o.sum.length != sum.length) {
        throw new IllegalArgumentException("moments of " + sum.length + " and " + o.sum.length
            + " features cannot be added");
      }
      double[] s = sum.clone();
      double[] s2 = sumSquares.clone();
      for (int j = 0; j < s.length; j++) {
        s[j] += o.sum[j];
        s2[j] += o.sumSquares[j];
      }
      return new Moments(count + o.count, s, s2);
    }

    /** As one vector {@code [count, sum..., sumSquares...]}, e.g. for secure aggregation. */
    public double[] toVector() {
      double[] v = new double[1 + 2 * sum.length];
      v[0] = count;
      System.arraycopy(sum, 0, v, 1, sum.length);
      System.arraycopy(sumSquares, 0, v, 1 + sum.length, sum.length);
      return v;
    }

    /** Inverse of {@link #toVector()} (e.g. applied to a securely aggregated sum). */
    public static Moments fromVector(double[] v) {
      if (v.length < 3 || v.length % 2 == 0) {
        throw new IllegalArgumentException("a moments vector has odd length >= 3, got " + v.length);
      }
      int d = (v.length - 1) / 2;
      return new Moments(
          Math.round(v[0]),
          Arrays.copyOfRange(v, 1, 1 + d),
          Arrays.copyOfRange(v, 1 + d, v.length));
    }

    @Override
    public double[] sum() {
      return sum.clone();
    }

    @Override
    public double[] sumSquares() {
      return sumSquares.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Moments m && count == m.count && Arrays.equals(sum, m.sum)
          && Arrays.equals(sumSquares, m.sumSquares);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(count) * 31 + Arrays.hashCode(sum) * 17 + Arrays.hashCode(sumSquares);
    }

    @Override
    public String toString() {
      return "Moments[count=" + count + ", d=" + sum.length + "]";
    }
  }
}
