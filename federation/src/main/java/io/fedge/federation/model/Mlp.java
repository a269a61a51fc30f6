package io.fedge.federation.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Multi-layer perceptron: ReLU hidden layers, then one sigmoid unit (2 classes) or a softmax
 * (more classes). Forward and backward passes are written by hand over a whole mini-batch at a
 * time, on buffers that are allocated once per batch size.
 */
final class Mlp extends AbstractModel {
  private static final int PREDICT_CHUNK = 256;

  private final int[] sizes;
  private final int layers;
  private final int[] wOff;
  private final int[] bOff;
  private final boolean binary;
  private int capacity;
  private double[][] act;
  private double[][] delta;

  Mlp(ModelSpec spec, int features) {
    super(spec, features, count(layerSizes(spec, features)));
    this.sizes = layerSizes(spec, features);
    this.layers = sizes.length - 1;
    this.binary = spec.classes() == 2;
    this.wOff = new int[layers + 1];
    this.bOff = new int[layers + 1];
    int at = 0;
    for (int l = 1; l <= layers; l++) {
      wOff[l] = at;
      at += sizes[l] * sizes[l - 1];
      bOff[l] = at;
      at += sizes[l];
    }
    SplittableRandom rnd = new SplittableRandom(spec.seed());
    for (int l = 1; l <= layers; l++) {
      // He initialisation before a ReLU, Glorot before the output non-linearity.
      double sd =
          l < layers
              ? Math.sqrt(2.0 / sizes[l - 1])
              : Math.sqrt(2.0 / (sizes[l - 1] + sizes[l]));
      for (int i = wOff[l]; i < bOff[l]; i++) {
        params[i] = sd * rnd.nextGaussian();
      }
    }
  }

  private static int[] layerSizes(ModelSpec spec, int features) {
    int[] hidden = spec.hidden();
    int[] s = new int[hidden.length + 2];
    s[0] = features;
    System.arraycopy(hidden, 0, s, 1, hidden.length);
    s[s.length - 1] = spec.outputs();
    return s;
  }

  private static int count(int[] sizes) {
    long n = 0;
    for (int l = 1; l < sizes.length; l++) {
      n += (long) sizes[l] * sizes[l - 1] + sizes[l];
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("mlp with " + n + " parameters is too large");
    }
    return (int) n;
  }

  private void ensureCapacity(int n) {
    if (n <= capacity) {
      return;
    }
    act = new double[layers + 1][];
    delta = new double[layers + 1][];
    for (int l = 0; l <= layers; l++) {
      act[l] = new double[n * sizes[l]];
      delta[l] = new double[n * sizes[l]];
    }
    capacity = n;
  }

  /** Forward pass over rows rowIndex[from..to) (or from..to when rowIndex is null); logits last. */
  private void forward(Table t, int[] rowIndex, int from, int to) {
    int n = to - from;
    ensureCapacity(n);
    double[] x = t.x();
    int d = features;
    double[] in = act[0];
    for (int k = 0; k < n; k++) {
      int r = rowIndex == null ? from + k : rowIndex[from + k];
      System.arraycopy(x, r * d, in, k * d, d);
    }
    for (int l = 1; l <= layers; l++) {
      double[] prev = act[l - 1];
      double[] cur = act[l];
      int ni = sizes[l - 1];
      int no = sizes[l];
      int w0 = wOff[l];
      int b0 = bOff[l];
      boolean relu = l < layers;
      for (int k = 0; k < n; k++) {
        int pi = k * ni;
        int co = k * no;
        for (int o = 0; o < no; o++) {
          int w = w0 + o * ni;
          double s = params[b0 + o];
          for (int i = 0; i < ni; i++) {
            s += params[w + i] * prev[pi + i];
          }
          cur[co + o] = relu && s < 0 ? 0 : s;
        }
      }
    }
  }

  @Override
  public void predict(Table t, double[] out) {
    checkOut(t, out);
    int k = sizes[layers];
    for (int from = 0; from < t.rows(); from += PREDICT_CHUNK) {
      int to = Math.min(t.rows(), from + PREDICT_CHUNK);
      forward(t, null, from, to);
      double[] logits = act[layers];
      for (int r = 0; r < to - from; r++) {
        if (binary) {
          out[from + r] = sigmoid(logits[r]);
        } else {
          softmaxInPlace(logits, r * k, k);
          System.arraycopy(logits, r * k, out, (from + r) * k, k);
        }
      }
    }
  }

  @Override
  public double lossAndGradient(Table t, int[] rowIndex, int from, int to, double[] grad) {
    checkBatch(t, rowIndex, from, to, grad);
    Arrays.fill(grad, 0);
    forward(t, rowIndex, from, to);
    int n = to - from;
    int k = sizes[layers];
    double[] logits = act[layers];
    double[] dOut = delta[layers];
    double loss = 0;
    for (int r = 0; r < n; r++) {
      int y = label(t, rowIndex[from + r]);
      if (binary) {
        loss += binaryLoss(logits[r], y, dOut, r);
      } else {
        int off = r * k;
        double zy = logits[off + y];
        System.arraycopy(logits, off, dOut, off, k);
        loss += softmaxInPlace(dOut, off, k) - zy;
        dOut[off + y] -= 1;
      }
    }
    for (int l = layers; l >= 1; l--) {
      double[] dl = delta[l];
      double[] prev = act[l - 1];
      int ni = sizes[l - 1];
      int no = sizes[l];
      int w0 = wOff[l];
      int b0 = bOff[l];
      boolean propagate = l > 1;
      double[] dPrev = delta[l - 1];
      if (propagate) {
        Arrays.fill(dPrev, 0, n * ni, 0);
      }
      for (int r = 0; r < n; r++) {
        int pi = r * ni;
        for (int o = 0; o < no; o++) {
          double g = dl[r * no + o];
          if (g == 0) {
            continue;
          }
          int w = w0 + o * ni;
          for (int i = 0; i < ni; i++) {
            grad[w + i] += g * prev[pi + i];
          }
          grad[b0 + o] += g;
          if (propagate) {
            for (int i = 0; i < ni; i++) {
              dPrev[pi + i] += g * params[w + i];
            }
          }
        }
        if (propagate) {
          for (int i = 0; i < ni; i++) {
            if (prev[pi + i] <= 0) {
              dPrev[pi + i] = 0; // ReLU derivative (0 at the kink)
            }
          }
        }
      }
    }
    double inv = 1.0 / n;
    for (int i = 0; i < grad.length; i++) {
      grad[i] *= inv;
    }
    return loss * inv;
  }

  @Override
  public boolean[] biasMask() {
    boolean[] m = new boolean[params.length];
    for (int l = 1; l <= layers; l++) {
      Arrays.fill(m, bOff[l], bOff[l] + sizes[l], true);
    }
    return m;
  }
}
