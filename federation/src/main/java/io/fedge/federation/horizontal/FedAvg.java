package io.fedge.federation.horizontal;

import java.util.List;

/**
 * Federated averaging (McMahan et al., 2017): the sample-weighted mean sum_k n_k p_k / sum_k n_k
 * of the clients' parameters.
 *
 * <p>With secure aggregation the hub only learns sums. Each client then submits {@link
 * #weightedInput(double[], long)} = {@code [n_k p_k..., n_k]}; the hub decodes the aggregated
 * vector with {@link #fromSum(double[])} (or, when the sample total is known separately, {@link
 * #fromSum(double[], long)}). Both give exactly the {@link #aggregate} result up to fixed-point
 * rounding.
 */
public class FedAvg implements Strategy {

  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  public double[] aggregate(double[] global, List<ClientUpdate> updates) {
    return weightedMean(global.length, updates);
  }

  /** Sample-weighted mean of the updates' parameters (each of length {@code p}). */
  public static double[] weightedMean(int p, List<ClientUpdate> updates) {
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("no updates to aggregate");
    }
    double[] sum = new double[p];
    long total = 0;
    for (ClientUpdate u : updates) {
      double[] w = u.parameters();
      if (w.length != p) {
        throw new IllegalArgumentException("update from " + u.clientId() + " has " + w.length
            + " parameters, the model has " + p);
      }
      double n = u.samples();
      for (int i = 0; i < p; i++) {
        sum[i] += n * w[i];
      }
      total += u.samples();
    }
    double inv = 1.0 / total;
    for (int i = 0; i < p; i++) {
      sum[i] *= inv;
    }
    return sum;
  }

  /** What a client contributes to a secure sum: {@code [samples * p..., samples]}. */
  public static double[] weightedInput(double[] parameters, long samples) {
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be at least 1, got " + samples);
    }
    double[] v = new double[parameters.length + 1];
    for (int i = 0; i < parameters.length; i++) {
      v[i] = samples * parameters[i];
    }
    v[parameters.length] = samples;
    return v;
  }

  /** The average from the sum of {@code samples * parameters} and the total sample count. */
  public static double[] fromSum(double[] weightedSum, long totalSamples) {
    if (totalSamples < 1) {
      throw new IllegalArgumentException("total samples must be at least 1, got " + totalSamples);
    }
    double[] out = new double[weightedSum.length];
    double inv = 1.0 / totalSamples;
    for (int i = 0; i < out.length; i++) {
      out[i] = weightedSum[i] * inv;
    }
    return out;
  }

  /**
   * What a client contributes to a secure sum when deltas are summed instead of models: {@code
   * [samples * (p - global)..., samples]}. Deltas are small and centred on zero, so they need a
   * far smaller fixed-point clip bound than whole models (see docs/rounds-ml.md for the sizing).
   */
  public static double[] weightedDelta(double[] parameters, double[] global, long samples) {
    if (parameters.length != global.length) {
      throw new IllegalArgumentException(
          parameters.length + " parameters against a global model of " + global.length);
    }
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be at least 1, got " + samples);
    }
    double[] v = new double[parameters.length + 1];
    for (int i = 0; i < parameters.length; i++) {
      v[i] = samples * (parameters[i] - global[i]);
    }
    v[parameters.length] = samples;
    return v;
  }

  /** The FedAvg result from the sum of {@link #weightedDelta} vectors: global + mean delta. */
  public static double[] fromDeltaSum(double[] global, double[] sumOfWeightedDeltas) {
    if (sumOfWeightedDeltas.length != global.length + 1) {
      throw new IllegalArgumentException("a weighted-delta sum for " + global.length
          + " parameters has length " + (global.length + 1) + ", got "
          + sumOfWeightedDeltas.length);
    }
    double[] mean = fromSum(sumOfWeightedDeltas);
    for (int i = 0; i < mean.length; i++) {
      mean[i] += global[i];
    }
    return mean;
  }

  /**
   * The average from the sum of {@link #weightedInput} vectors, whose last element is the total
   * sample count (rounded to the nearest integer, since fixed-point decoding is approximate).
   */
  public static double[] fromSum(double[] sumOfWeightedInputs) {
    int p = sumOfWeightedInputs.length - 1;
    if (p < 1) {
      throw new IllegalArgumentException("a weighted-input sum has at least 2 elements");
    }
    long total = Math.round(sumOfWeightedInputs[p]);
    double[] w = new double[p];
    System.arraycopy(sumOfWeightedInputs, 0, w, 0, p);
    return fromSum(w, total);
  }
}
