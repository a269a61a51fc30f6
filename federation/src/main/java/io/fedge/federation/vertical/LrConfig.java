package io.fedge.federation.vertical;

/**
 * Hyper-parameters of a vertical logistic-regression job, the same for every party (the arbiter
 * sends them in {@link LrMessages.Setup}).
 *
 * @param maxEpochs upper bound on passes over the training rows
 * @param batchSize rows per mini-batch; must exceed every party's column count (see docs/vertical.md:
 *     a gradient over fewer rows than columns could reveal per-row values) and be at most 2^18
 * @param learningRate step size of the optimiser
 * @param l2 L2 penalty on the weights (not on the intercept)
 * @param optimizer "adam" or "sgd"; each party applies it to its own coordinates
 * @param validationFraction share of the training rows held back for early stopping (0 turns
 *     early stopping off)
 * @param patience epochs without a validation-loss improvement of at least {@code minDelta}
 *     before stopping
 * @param minDelta smallest validation-loss decrease that counts as an improvement
 * @param fractionBits fixed-point precision of the secret-shared products (2^-f)
 * @param seed seeds the validation split and the batch order (not the masks, which are fresh)
 * @param objective binary (logistic, Taylor residual), regression (linear, exact residual) or
 *     multiclass:K (K one-vs-rest logistic models trained in the same batches); null means binary
 */
public record LrConfig(int maxEpochs, int batchSize, double learningRate, double l2, String optimizer,
    double validationFraction, int patience, double minDelta, int fractionBits, long seed, Objective objective) {
  /** Standardised features and residuals are clipped to this magnitude before fixed-point encoding. */
  public static final double CLIP = 64.0;

  public LrConfig {
    if (objective == null) {
      objective = Objective.BINARY;
    }
    if (maxEpochs < 1 || maxEpochs > 10_000) {
      throw new VerticalException("maxEpochs must be in [1, 10000], got " + maxEpochs);
    }
    if (batchSize < 2 || batchSize > (1 << 18)) {
      throw new VerticalException("batchSize must be in [2, 262144], got " + batchSize);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new VerticalException("learningRate must be positive, got " + learningRate);
    }
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new VerticalException("l2 must be >= 0, got " + l2);
    }
    if (!"adam".equals(optimizer) && !"sgd".equals(optimizer)) {
      throw new VerticalException("optimizer must be adam or sgd, got " + optimizer);
    }
    if (!(validationFraction >= 0 && validationFraction < 0.5)) {
      throw new VerticalException("validationFraction must be in [0, 0.5), got " + validationFraction);
    }
    if (patience < 1) {
      throw new VerticalException("patience must be >= 1, got " + patience);
    }
    if (fractionBits < 8 || fractionBits > 20) {
      // 2f + log2(CLIP^2) + log2(batchSize) must stay below 63
      throw new VerticalException("fractionBits must be in [8, 20], got " + fractionBits);
    }
  }

  /** A binary (logistic) configuration. */
  public LrConfig(int maxEpochs, int batchSize, double learningRate, double l2, String optimizer,
      double validationFraction, int patience, double minDelta, int fractionBits, long seed) {
    this(maxEpochs, batchSize, learningRate, l2, optimizer, validationFraction, patience, minDelta, fractionBits,
        seed, Objective.BINARY);
  }

  /** Sensible defaults: Adam, learning rate 0.05, L2 1e-4, 10% validation, patience 3. */
  public static LrConfig defaults(int maxEpochs, int batchSize) {
    return new LrConfig(maxEpochs, batchSize, 0.05, 1e-4, "adam", 0.1, 3, 1e-4, 16, 42L);
  }

  /** The same configuration with another value for one knob. */
  public LrConfig withValidation(double fraction, int newPatience) {
    return new LrConfig(maxEpochs, batchSize, learningRate, l2, optimizer, fraction, newPatience, minDelta,
        fractionBits, seed, objective);
  }

  public LrConfig withLearningRate(double rate) {
    return new LrConfig(maxEpochs, batchSize, rate, l2, optimizer, validationFraction, patience, minDelta,
        fractionBits, seed, objective);
  }

  public LrConfig withObjective(Objective o) {
    return new LrConfig(maxEpochs, batchSize, learningRate, l2, optimizer, validationFraction, patience, minDelta,
        fractionBits, seed, o);
  }
}
