package io.fedge.federation.model;

import java.util.Arrays;

/** Binary logistic regression: P(y=1|x) = sigmoid(w·x + b). Parameters {@code [w, b]}. */
final class LogisticRegression extends AbstractModel {
  private final double[] g1 = new double[1];

  LogisticRegression(ModelSpec spec, int features) {
    super(spec, features, features + 1);
  }

  @Override
  public void predict(Table t, double[] out) {
    checkOut(t, out);
    double[] x = t.x();
    int d = features;
    double b = params[d];
    for (int r = 0, at = 0; r < t.rows(); r++, at += d) {
      double z = b;
      for (int j = 0; j < d; j++) {
        z += params[j] * x[at + j];
      }
      out[r] = sigmoid(z);
    }
  }

  @Override
  public double lossAndGradient(Table t, int[] rowIndex, int from, int to, double[] grad) {
    checkBatch(t, rowIndex, from, to, grad);
    Arrays.fill(grad, 0);
    double[] x = t.x();
    double[] y = t.y();
    int d = features;
    double b = params[d];
    double loss = 0;
    double gb = 0;
    for (int k = from; k < to; k++) {
      int r = rowIndex[k];
      int at = r * d;
      double z = b;
      for (int j = 0; j < d; j++) {
        z += params[j] * x[at + j];
      }
      double yr = label(t, r);
      // -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y z
      loss += binaryLoss(z, yr, g1, 0);
      double g = g1[0];
      for (int j = 0; j < d; j++) {
        grad[j] += g * x[at + j];
      }
      gb += g;
    }
    grad[d] = gb;
    double inv = 1.0 / (to - from);
    for (int j = 0; j <= d; j++) {
      grad[j] *= inv;
    }
    return loss * inv;
  }

  @Override
  public boolean[] biasMask() {
    boolean[] m = new boolean[params.length];
    m[features] = true;
    return m;
  }
}
