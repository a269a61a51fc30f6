package io.fedge.federation.dp;

import java.util.Arrays;

/**
 * Rényi-DP accountant for the (Poisson-)subsampled Gaussian mechanism (Mironov, "Rényi
 * Differential Privacy", CSF 2017; Mironov, Talwar, Zhang, "Rényi Differential Privacy of the
 * Sampled Gaussian Mechanism", 2019).
 *
 * <p>One step with sampling rate q and noise multiplier σ (noise standard deviation over L2
 * sensitivity) has, at order α &gt; 1, RDP ε(α) = log(A_α) / (α - 1) with
 *
 * <pre>A_α = E_{z ~ N(0, σ²)} [ ((1 - q) + q · exp((2z - 1) / (2σ²)))^α ].</pre>
 *
 * For integer α this is the finite sum Σ_i C(α, i) (1-q)^(α-i) q^i exp((i² - i) / (2σ²)),
 * computed exactly in log space. For fractional α the expectation is integrated numerically
 * (trapezoid rule in log space on a grid of step σ/100 over [-40σ, α + 40σ]; the integrand is
 * smooth and its log has curvature at least -1/σ², so the grid resolves it; the integer formula
 * cross-checks the integration in the tests). With q = 1 it is the plain Gaussian, α / (2σ²).
 * RDP composes by addition over steps.
 *
 * <p>Conversion to (ε, δ)-DP minimises over the orders tracked, either the classic bound ε =
 * ε(α) + log(1/δ) / (α - 1) (Mironov 2017, Prop. 3; what TF-Privacy reported before 2021), or the
 * tighter bound of Balle et al., "Hypothesis Testing Interpretations and Rényi Differential
 * Privacy" (AISTATS 2020): ε = ε(α) + log((α - 1)/α) - (log δ + log α) / (α - 1) (what Opacus and
 * current TF-Privacy report). Tracking fewer orders can only make ε larger, never smaller.
 *
 * <p>In federated learning one round is one step: q = clients invited per round / population
 * (1 when everyone takes part), σ = the noise multiplier of {@link GaussianMechanism}.
 */
public final class RdpAccountant {
  /** 1.1, 1.2, ..., 10.9, then 12, 13, ..., 63: the orders of TF-Privacy's tutorials. */
  public static final double[] DEFAULT_ORDERS = defaultOrders();

  private final double[] orders;
  private final double[] rdp;

  public RdpAccountant() {
    this(DEFAULT_ORDERS);
  }

  /** An accountant tracking the given orders, each &gt; 1. */
  public RdpAccountant(double[] orders) {
    if (orders.length == 0) {
      throw new IllegalArgumentException("at least one RDP order is needed");
    }
    for (double a : orders) {
      if (!(a > 1) || !Double.isFinite(a)) {
        throw new IllegalArgumentException("RDP orders must be finite and > 1, got " + a);
      }
    }
    this.orders = orders.clone();
    this.rdp = new double[orders.length];
  }

  /** Accounts for {@code steps} runs of the sampled Gaussian mechanism. */
  public void compose(double noiseMultiplier, double samplingRate, long steps) {
    if (!(noiseMultiplier > 0) || !Double.isFinite(noiseMultiplier)) {
      throw new IllegalArgumentException(
          "noiseMultiplier must be positive for a finite epsilon, got " + noiseMultiplier);
    }
    if (!(samplingRate >= 0 && samplingRate <= 1)) {
      throw new IllegalArgumentException("samplingRate must be in [0, 1], got " + samplingRate);
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    for (int k = 0; k < orders.length; k++) {
      rdp[k] += steps * sampledGaussianRdp(samplingRate, noiseMultiplier, orders[k]);
    }
  }

  /** The orders tracked. */
  public double[] orders() {
    return orders.clone();
  }

  /** Accumulated RDP per order, aligned with {@link #orders()}. */
  public double[] rdp() {
    return rdp.clone();
  }

  /** (ε, δ) by the conversion of Balle et al. (2020), the tighter one. */
  public PrivacySpent spent(double delta) {
    return convert(delta, true);
  }

  /** (ε, δ) by the classic conversion ε(α) + log(1/δ)/(α - 1). */
  public PrivacySpent spentClassic(double delta) {
    return convert(delta, false);
  }

  /** ε after {@code steps} steps of one configuration, tighter conversion, default orders. */
  public static double epsilon(double noiseMultiplier, double samplingRate, long steps,
      double delta) {
    RdpAccountant a = new RdpAccountant();
    a.compose(noiseMultiplier, samplingRate, steps);
    return a.spent(delta).epsilon();
  }

  private PrivacySpent convert(double delta, boolean tight) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    boolean nothing = true;
    for (double r : rdp) {
      nothing &= r == 0;
    }
    if (nothing) {
      return new PrivacySpent(0, delta, orders[0]); // no data was ever touched
    }
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = Double.NaN;
    double logDelta = Math.log(delta);
    for (int k = 0; k < orders.length; k++) {
      double a = orders[k];
      double eps =
          tight
              ? rdp[k] + Math.log1p(-1 / a) - (logDelta + Math.log(a)) / (a - 1)
              : rdp[k] - logDelta / (a - 1);
      if (eps < best) {
        best = eps;
        bestOrder = a;
      }
    }
    return new PrivacySpent(Math.max(0, best), delta, bestOrder);
  }

  /**
   * The guarantee reached.
   *
   * @param epsilon the smallest ε over the tracked orders (at least 0)
   * @param delta the δ asked for
   * @param order the RDP order that gave it (if it is the smallest or largest tracked order,
   *     tracking more orders could give a smaller ε)
   */
  public record PrivacySpent(double epsilon, double delta, double order) {}

  /** RDP at order α of one step of the Gaussian mechanism subsampled at rate q. */
  public static double sampledGaussianRdp(double q, double sigma, double alpha) {
    if (q == 0) {
      return 0;
    }
    if (q == 1) {
      return alpha / (2 * sigma * sigma);
    }
    double logA = alpha == Math.rint(alpha) ? logAInteger(q, sigma, (int) alpha)
        : logANumeric(q, sigma, alpha);
    return Math.max(0, logA / (alpha - 1));
  }

  /** log A_α for integer α by the binomial expansion. */
  static double logAInteger(double q, double sigma, int alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double twoSigma2 = 2 * sigma * sigma;
    double logBinom = 0; // log C(alpha, 0)
    double acc = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= alpha; i++) {
      if (i > 0) {
        logBinom += Math.log(alpha - i + 1) - Math.log(i);
      }
      double term = logBinom + i * logQ + (alpha - i) * log1mQ + ((double) i * i - i) / twoSigma2;
      acc = logAdd(acc, term);
    }
    return acc;
  }

  /** log A_α by trapezoidal integration of the expectation, in log space. */
  static double logANumeric(double q, double sigma, double alpha) {
    double h = sigma / 100;
    double lo = -40 * sigma;
    double hi = alpha + 40 * sigma;
    int n = (int) Math.ceil((hi - lo) / h);
    double[] f = new double[n + 1];
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double s2 = sigma * sigma;
    double logNorm = -Math.log(sigma * Math.sqrt(2 * Math.PI));
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= n; i++) {
      double z = lo + i * h;
      double mix = logAdd(log1mQ, logQ + (2 * z - 1) / (2 * s2));
      f[i] = logNorm - z * z / (2 * s2) + alpha * mix;
      max = Math.max(max, f[i]);
    }
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double w = i == 0 || i == n ? 0.5 : 1.0;
      sum += w * Math.exp(f[i] - max);
    }
    return max + Math.log(sum * h);
  }

  static double logAdd(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double m = Math.max(a, b);
    return m + Math.log1p(Math.exp(-Math.abs(a - b)));
  }

  private static double[] defaultOrders() {
    double[] o = new double[99 + 52];
    for (int x = 1; x < 100; x++) {
      o[x - 1] = 1 + x / 10.0;
    }
    for (int a = 12; a < 64; a++) {
      o[99 + a - 12] = a;
    }
    return o;
  }

  @Override
  public String toString() {
    return "RdpAccountant[orders=" + orders.length + ", rdp=" + Arrays.toString(rdp) + "]";
  }
}
