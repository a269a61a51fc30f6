package io.fedge.federation.vertical;

/** Metrics of a K-class model, computed by the guest: accuracy and macro-averaged F1. */
public final class MulticlassMetrics {
  private MulticlassMetrics() {}

  /** The most probable class of each row of row-major n x K probabilities (lowest class on ties). */
  public static int[] argmax(double[] probabilities, int classes) {
    int n = probabilities.length / classes;
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (probabilities[i * classes + c] > probabilities[i * classes + best]) {
          best = c;
        }
      }
      out[i] = best;
    }
    return out;
  }

  public static double accuracy(int[] predicted, int[] labels) {
    check(predicted, labels);
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        right++;
      }
    }
    return right / (double) labels.length;
  }

  /**
   * Unweighted mean over the classes of F1 = 2TP / (2TP + FP + FN); a class that is neither present
   * nor predicted counts as F1 = 0 (scikit-learn's zero_division=0 convention).
   */
  public static double macroF1(int[] predicted, int[] labels, int classes) {
    check(predicted, labels);
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      int tp = 0;
      int fp = 0;
      int fn = 0;
      for (int i = 0; i < labels.length; i++) {
        boolean p = predicted[i] == c;
        boolean y = labels[i] == c;
        if (p && y) {
          tp++;
        } else if (p) {
          fp++;
        } else if (y) {
          fn++;
        }
      }
      sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }
    return sum / classes;
  }

  private static void check(int[] predicted, int[] labels) {
    if (predicted.length != labels.length || labels.length == 0) {
      throw new VerticalException("need a prediction per label, and at least one: " + predicted.length
          + " predictions, " + labels.length + " labels");
    }
  }
}
