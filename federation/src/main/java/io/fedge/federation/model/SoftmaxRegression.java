package io.fedge.federation.model;

import java.util.Arrays;

/**
 * Multinomial logistic (softmax) regression over K classes: P(k|x) = softmax(W x + b)_k.
 * Parameters: W row-major (K x d), then b (K).
 */
final class SoftmaxRegression extends AbstractModel {
  private final int classes;
  private final double[] z;

  SoftmaxRegression(ModelSpec spec, int features) {
    super(spec, features, spec.classes() * (features + 1));
    this.classes = spec.classes();
    this.z = new double[classes];
  }

  private void logits(double[] x, int at) {
    int d = features;
    int bias = classes * d;
    for (int c = 0; c < classes; c++) {
      double s = params[bias + c];
      int w = c * d;
      for (int j = 0; j < d; j++) {
        s += params[w + j] * x[at + j];
      }
      z[c] = s;
    }
  }

  @Override
  public void predict(Table t, double[] out) {
    checkOut(t, out);
    double[] x = t.x();
    for (int r = 0; r < t.rows(); r++) {
      logits(x, r * features);
      softmaxInPlace(z, 0, classes);
      System.arraycopy(z, 0, out, r * classes, classes);
    }
  }

  @Override
  public double lossAndGradient(Table t, int[] rowIndex, int from, int to, double[] grad) {
    checkBatch(t, rowIndex, from, to, grad);
    Arrays.fill(grad, 0);
    double[] x = t.x();
    int d = features;
    int bias = classes * d;
    double loss = 0;
    for (int k = from; k < to; k++) {
      int r = rowIndex[k];
      int at = r * d;
      int yr = label(t, r);
      logits(x, at);
      double zy = z[yr];
      double lse = softmaxInPlace(z, 0, classes);
      loss += lse - zy;
      z[yr] -= 1; // z now holds p - onehot(y), the gradient w.r.t. the logits
      for (int c = 0; c < classes; c++) {
        double g = z[c];
        int w = c * d;
        for (int j = 0; j < d; j++) {
          grad[w + j] += g * x[at + j];
        }
        grad[bias + c] += g;
      }
    }
    double inv = 1.0 / (to - from);
    for (int i = 0; i < grad.length; i++) {
      grad[i] *= inv;
    }
    return loss * inv;
  }

  @Override
  public boolean[] biasMask() {
    boolean[] m = new boolean[params.length];
    Arrays.fill(m, classes * features, m.length, true);
    return m;
  }
}
