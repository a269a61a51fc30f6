package io.fedge.federation.model;

/**
 * A differentiable classifier whose whole state is one flat parameter vector, so that federated
 * strategies can average models as plain {@code double[]}s.
 *
 * <p>Parameter layout (documented so that other parties can read a model):
 *
 * <ul>
 *   <li>logistic: {@code [w_0 .. w_{d-1}, b]}, length d + 1.
 *   <li>softmax: weights {@code W[k][j]} at {@code k * d + j} for classes k and features j, then
 *       the K biases; length K (d + 1).
 *   <li>mlp: for each layer from input to output, its weights {@code W[o][i]} row-major (out x in)
 *       followed by its out biases.
 * </ul>
 *
 * <p>Implementations are not thread-safe: use one instance per thread.
 */
public interface Model {
  ModelSpec spec();

  /** Number of input features. */
  int features();

  /** Length of {@link #parameters()}. */
  int parameterCount();

  /** A copy of the current parameters. */
  double[] parameters();

  /** Replaces the parameters by a copy of {@code p}; its length must be {@link #parameterCount()}. */
  void setParameters(double[] p);

  /** Output values per row: see {@link ModelSpec#outputs()}. */
  default int outputs() {
    return spec().outputs();
  }

  /**
   * Writes predictions for every row of {@code t} into {@code out}: for binary models
   * (logistic, mlp with 2 classes) P(y=1) per row (length rows); otherwise the class
   * probabilities, row-major (length rows * classes).
   */
  void predict(Table t, double[] out);

  /** {@link #predict(Table, double[])} into a new array. */
  default double[] predict(Table t) {
    double[] out = new double[t.rows() * outputs()];
    predict(t, out);
    return out;
  }

  /**
   * The mean cross-entropy of the rows {@code rowIndex[from..to)} of {@code t} at the current
   * parameters, with its gradient written into {@code grad} (overwritten, length {@link
   * #parameterCount()}). No regularisation is included. This is what {@link LocalTrainer} calls
   * for each mini-batch; it does not allocate after the first call with a given batch size.
   */
  double lossAndGradient(Table t, int[] rowIndex, int from, int to, double[] grad);

  /**
   * Which parameters are biases (true) rather than weights; biases are not L2-regularised. A new
   * array of length {@link #parameterCount()}.
   */
  boolean[] biasMask();
}
