package io.fedge.federation.dp;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;

/**
 * Per-client L2 clipping plus Gaussian noise, the mechanism of DP-FedAvg (McMahan et al.,
 * "Learning Differentially Private Recurrent Language Models", ICLR 2018).
 *
 * <p>Each client's model delta {@code p_k - global} is clipped to L2 norm at most {@code
 * clipNorm}, so adding or removing one client changes the sum of deltas by at most {@code
 * clipNorm}; Gaussian noise of standard deviation {@code noiseMultiplier * clipNorm} on that sum
 * gives the sampled-Gaussian guarantee that {@link RdpAccountant} accounts for (one step per
 * round, sampling rate = invited clients / population).
 *
 * <p>Two places to add the noise:
 *
 * <ul>
 *   <li>central ({@link #aggregate}): the hub sums the clipped deltas and adds the noise once. The
 *       hub sees the individual clipped deltas, so this protects against whoever receives the
 *       model, not against the hub.
 *   <li>distributed ({@link #clipAndNoise}): each of n clients adds noise of standard deviation
 *       {@code noiseMultiplier * clipNorm / sqrt(n)} to its clipped delta; under secure
 *       aggregation the hub only sees the sum, whose noise then has the full standard deviation.
 *       If clients drop out, fewer noise shares reach the sum: the accountant must then be run
 *       with the effective multiplier {@code noiseMultiplier * sqrt(survivors / n)}.
 * </ul>
 *
 * <p>Randomness: noise comes from a {@link SecureRandom} (the platform's CSPRNG, e.g. NativePRNG
 * on Linux) through {@link Random#nextGaussian()} (Marsaglia's polar method). Like every
 * floating-point Gaussian sampler this is exposed to Mironov's floating-point attack on the least
 * significant bits (CCS 2012); we do not implement snapping or discrete Gaussian noise. A seeded
 * {@link Random} may be passed for reproducible tests only.
 */
public final class GaussianMechanism {
  private final double clipNorm;
  private final double noiseMultiplier;
  private final Random rng;

  /**
   * @param clipNorm L2 bound C of each client's delta, positive
   * @param noiseMultiplier z: the noise on the sum has standard deviation z * C; at least 0
   * @param rng source of noise; use {@link #secure(double, double)} in production
   */
  public GaussianMechanism(double clipNorm, double noiseMultiplier, Random rng) {
    if (!(clipNorm > 0) || !Double.isFinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be positive and finite, got " + clipNorm);
    }
    if (!(noiseMultiplier >= 0) || !Double.isFinite(noiseMultiplier)) {
      throw new IllegalArgumentException("noiseMultiplier must be >= 0, got " + noiseMultiplier);
    }
    this.clipNorm = clipNorm;
    this.noiseMultiplier = noiseMultiplier;
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /** A mechanism drawing its noise from a fresh {@link SecureRandom}. */
  public static GaussianMechanism secure(double clipNorm, double noiseMultiplier) {
    return new GaussianMechanism(clipNorm, noiseMultiplier, new SecureRandom());
  }

  public double clipNorm() {
    return clipNorm;
  }

  public double noiseMultiplier() {
    return noiseMultiplier;
  }

  /** Standard deviation of the noise on the sum of clipped deltas: z * C. */
  public double sumStddev() {
    return noiseMultiplier * clipNorm;
  }

  /** L2 norm of {@code v}. */
  public static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /**
   * Scales {@code v} in place so that its L2 norm is at most {@code maxNorm}; returns the factor
   * applied (1 when it was already within bounds).
   *
   * @throws IllegalArgumentException if {@code v} holds NaN or infinite values
   */
  public static double clip(double[] v, double maxNorm) {
    double n = norm(v);
    if (!Double.isFinite(n)) {
      throw new IllegalArgumentException("cannot clip a vector with NaN or infinite values");
    }
    if (n <= maxNorm) {
      return 1;
    }
    double f = maxNorm / n;
    for (int i = 0; i < v.length; i++) {
      v[i] *= f;
    }
    return f;
  }

  /** The clipped delta {@code clip(parameters - global, C)} as a new array. */
  public double[] clippedDelta(double[] parameters, double[] global) {
    if (parameters.length != global.length) {
      throw new IllegalArgumentException(
          parameters.length + " parameters against a global model of " + global.length);
    }
    double[] d = new double[global.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = parameters[i] - global[i];
    }
    clip(d, clipNorm);
    return d;
  }

  /** Adds independent N(0, stddev²) noise to every element of {@code v}, in place. */
  public void addNoise(double[] v, double stddev) {
    if (!(stddev >= 0) || !Double.isFinite(stddev)) {
      throw new IllegalArgumentException("stddev must be >= 0, got " + stddev);
    }
    if (stddev == 0) {
      return;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] += stddev * rng.nextGaussian();
    }
  }

  /**
   * Distributed DP, client side: the clipped delta plus this client's share of the noise,
   * standard deviation z * C / sqrt(clients). The hub sums these (securely) and divides by the
   * number of clients.
   */
  public double[] clipAndNoise(double[] parameters, double[] global, int clients) {
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be at least 1, got " + clients);
    }
    double[] d = clippedDelta(parameters, global);
    addNoise(d, sumStddev() / Math.sqrt(clients));
    return d;
  }

  /**
   * Central DP, hub side: global + (sum of clipped deltas + N(0, (zC)²)) / n, each client weighted
   * equally (sample-count weights would let one client's weight exceed the clipping bound).
   */
  public double[] aggregate(double[] global, java.util.List<double[]> parameters) {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("no updates to aggregate");
    }
    double[] sum = new double[global.length];
    for (double[] p : parameters) {
      double[] d = clippedDelta(p, global);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += d[i];
      }
    }
    addNoise(sum, sumStddev());
    double inv = 1.0 / parameters.size();
    double[] out = new double[global.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = global[i] + sum[i] * inv;
    }
    return out;
  }

  /** global + deltaSum / clients: the hub's step after a secure sum of {@link #clipAndNoise}. */
  public static double[] applyMeanDelta(double[] global, double[] deltaSum, int clients) {
    if (deltaSum.length != global.length || clients < 1) {
      throw new IllegalArgumentException("need a delta sum of length " + global.length
          + " and at least one client");
    }
    double[] out = new double[global.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = global[i] + deltaSum[i] / clients;
    }
    return out;
  }
}
