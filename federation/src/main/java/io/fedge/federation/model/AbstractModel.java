package io.fedge.federation.model;

/** Holds the flat parameter vector; {@link LocalTrainer} updates it in place. */
abstract class AbstractModel implements Model {
  protected final ModelSpec spec;
  protected final int features;
  protected final double[] params;

  AbstractModel(ModelSpec spec, int features, int parameterCount) {
    this.spec = spec;
    this.features = features;
    this.params = new double[parameterCount];
  }

  @Override
  public ModelSpec spec() {
    return spec;
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public int parameterCount() {
    return params.length;
  }

  @Override
  public double[] parameters() {
    return params.clone();
  }

  @Override
  public void setParameters(double[] p) {
    if (p.length != params.length) {
      throw new IllegalArgumentException(
          spec.type() + " model for " + features + " features has " + params.length
              + " parameters, got " + p.length);
    }
    System.arraycopy(p, 0, params, 0, p.length);
  }

  /** The live parameter array (no copy), for in-place updates. */
  final double[] rawParameters() {
    return params;
  }

  final void checkTable(Table t) {
    if (t.cols() != features) {
      throw new IllegalArgumentException(
          "model expects " + features + " features, table has " + t.cols());
    }
  }

  final void checkOut(Table t, double[] out) {
    checkTable(t);
    if (out.length < t.rows() * outputs()) {
      throw new IllegalArgumentException(
          "output array holds " + out.length + " values, needs " + t.rows() * outputs());
    }
  }

  final void checkBatch(Table t, int[] rowIndex, int from, int to, double[] grad) {
    checkTable(t);
    if (from < 0 || to > rowIndex.length || from >= to) {
      throw new IllegalArgumentException("empty or out-of-range batch [" + from + ", " + to + ")");
    }
    if (grad.length != params.length) {
      throw new IllegalArgumentException(
          "gradient array has length " + grad.length + ", needs " + params.length);
    }
  }

  final int label(Table t, int row) {
    int k = (int) t.y()[row];
    if (k >= spec.classes()) {
      throw new IllegalArgumentException(
          "row " + row + " has label " + k + " but the model has " + spec.classes() + " classes");
    }
    return k;
  }

  /** log(1 + e^z) without overflow. */
  static double softplus(double z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }

  /**
   * Binary cross-entropy softplus(z) - y z of logit z, and its derivative sigmoid(z) - y stored
   * in {@code gradOut[at]}, with a single exp.
   */
  static double binaryLoss(double z, double y, double[] gradOut, int at) {
    double e = Math.exp(-Math.abs(z));
    double p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    gradOut[at] = p - y;
    return Math.max(z, 0) + Math.log1p(e) - y * z;
  }

  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }

  /**
   * Turns logits {@code z[off..off+k)} into probabilities in place and returns log-sum-exp of the
   * logits.
   */
  static double softmaxInPlace(double[] z, int off, int k) {
    double max = z[off];
    for (int c = 1; c < k; c++) {
      max = Math.max(max, z[off + c]);
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      double e = Math.exp(z[off + c] - max);
      z[off + c] = e;
      sum += e;
    }
    double inv = 1 / sum;
    for (int c = 0; c < k; c++) {
      z[off + c] *= inv;
    }
    return max + Math.log(sum);
  }
}
