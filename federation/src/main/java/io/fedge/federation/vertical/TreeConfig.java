package io.fedge.federation.vertical;

import io.fedge.federation.crypto.paillier.NoiseMode;

/**
 * Hyper-parameters of SecureBoost-style vertical gradient boosting: binary log loss, squared loss
 * (regression) or softmax (multiclass:K, K trees per boosting round).
 *
 * @param trees number of boosting rounds (trees; K trees per round for multiclass:K)
 * @param maxDepth depth of each tree (a root-only tree has depth 0)
 * @param learningRate shrinkage applied to every leaf weight
 * @param bins quantile bins per feature (each party bins its own features)
 * @param lambda L2 penalty on leaf weights (XGBoost's lambda)
 * @param minChildWeight smallest hessian sum a child may have
 * @param keyBits Paillier modulus size of the guest's key (2048 or more for real data)
 * @param fractionBits fixed-point precision of encrypted gradients and hessians
 * @param objective binary, regression or multiclass:K; null means binary
 * @param noise how the guest draws Paillier encryption noise: {@value #FIXED_BASE} (default; null
 *     means it) or {@value #CLASSIC} ({@link NoiseMode})
 */
public record TreeConfig(int trees, int maxDepth, double learningRate, int bins, double lambda,
    double minChildWeight, int keyBits, int fractionBits, Objective objective, String noise) {
  /** Fixed-base noise ({@link NoiseMode#FIXED_BASE}): fast, DCR plus a short-exponent assumption. */
  public static final String FIXED_BASE = "fixed-base";
  /** Classic noise r^n ({@link NoiseMode#CLASSIC}): one full exponentiation each, DCR alone. */
  public static final String CLASSIC = "classic";

  public TreeConfig {
    if (objective == null) {
      objective = Objective.BINARY;
    }
    noise = noise == null ? FIXED_BASE : noise;
    if (!FIXED_BASE.equals(noise) && !CLASSIC.equals(noise)) {
      throw new VerticalException("noise must be '" + FIXED_BASE + "' or '" + CLASSIC + "', got '" + noise + "'");
    }
    if (trees < 1 || trees > 1000) {
      throw new VerticalException("trees must be in [1, 1000], got " + trees);
    }
    if (maxDepth < 1 || maxDepth > 10) {
      throw new VerticalException("maxDepth must be in [1, 10], got " + maxDepth);
    }
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new VerticalException("learningRate must be in (0, 1], got " + learningRate);
    }
    if (bins < 2 || bins > 256) {
      throw new VerticalException("bins must be in [2, 256], got " + bins);
    }
    if (!(lambda >= 0) || !(minChildWeight >= 0)) {
      throw new VerticalException("lambda and minChildWeight must be >= 0");
    }
    if (keyBits < 1024 || keyBits % 2 != 0) {
      throw new VerticalException("keyBits must be even and at least 1024 (2048 for real data), got " + keyBits);
    }
    if (fractionBits < 16 || fractionBits > 52) {
      throw new VerticalException("fractionBits must be in [16, 52], got " + fractionBits);
    }
  }

  /** A binary (log loss) configuration with the default noise ({@value #FIXED_BASE}). */
  public TreeConfig(int trees, int maxDepth, double learningRate, int bins, double lambda, double minChildWeight,
      int keyBits, int fractionBits) {
    this(trees, maxDepth, learningRate, bins, lambda, minChildWeight, keyBits, fractionBits, Objective.BINARY,
        FIXED_BASE);
  }

  /** With the default noise ({@value #FIXED_BASE}). */
  public TreeConfig(int trees, int maxDepth, double learningRate, int bins, double lambda, double minChildWeight,
      int keyBits, int fractionBits, Objective objective) {
    this(trees, maxDepth, learningRate, bins, lambda, minChildWeight, keyBits, fractionBits, objective, FIXED_BASE);
  }

  /** A binary configuration with the given noise. */
  public TreeConfig(int trees, int maxDepth, double learningRate, int bins, double lambda, double minChildWeight,
      int keyBits, int fractionBits, String noise) {
    this(trees, maxDepth, learningRate, bins, lambda, minChildWeight, keyBits, fractionBits, Objective.BINARY, noise);
  }

  /** The guest's noise mode for {@link BoostGuest#useNoise}. */
  public NoiseMode noiseMode() {
    return CLASSIC.equals(noise) ? NoiseMode.CLASSIC : NoiseMode.FIXED_BASE;
  }

  /** Defaults: 2048-bit key, 40 fraction bits, lambda 1, min child weight 1e-3. */
  public static TreeConfig of(int trees, int maxDepth, double learningRate, int bins) {
    return new TreeConfig(trees, maxDepth, learningRate, bins, 1.0, 1e-3, 2048, 40);
  }

  public TreeConfig withKeyBits(int bits) {
    return new TreeConfig(trees, maxDepth, learningRate, bins, lambda, minChildWeight, bits, fractionBits, objective,
        noise);
  }

  public TreeConfig withObjective(Objective o) {
    return new TreeConfig(trees, maxDepth, learningRate, bins, lambda, minChildWeight, keyBits, fractionBits, o, noise);
  }
}
