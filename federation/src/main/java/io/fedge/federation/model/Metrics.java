package io.fedge.federation.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluation metrics. The binary metrics sort the positive and the negative scores separately
 * ({@link Arrays#sort(double[])}, O(n log n), no boxing) and then walk both sorted arrays together
 * one distinct score at a time, so tied scores are always treated as one threshold.
 */
public final class Metrics {
  static final double EPS = 1e-15;
  /** ROC curves are downsampled to at most this many points. */
  public static final int MAX_ROC_POINTS = 200;

  private Metrics() {}

  /** AUC, KS, accuracy at 0.5, lift in the top 10% and log-loss; see {@link Evaluation}. */
  public static Evaluation evaluate(double[] score, double[] label) {
    Sorted s = sort(score, label);
    int n = score.length;
    double correct = 0;
    double logLoss = 0;
    for (int i = 0; i < n; i++) {
      double p = Math.min(1 - EPS, Math.max(EPS, score[i]));
      boolean positive = label[i] == 1;
      if ((score[i] >= 0.5) == positive) {
        correct++;
      }
      logLoss -= positive ? Math.log(p) : Math.log1p(-p);
    }
    double auc = Double.NaN;
    double ks = Double.NaN;
    int np = s.pos.length;
    int nn = s.neg.length;
    if (np > 0 && nn > 0) {
      // Walk thresholds from the highest score down.
      int i = np - 1;
      int j = nn - 1;
      double aucSum = 0; // sum over positives of (#negatives below + 0.5 #negatives tied)
      double maxGap = 0;
      while (i >= 0 || j >= 0) {
        double v = Math.max(i >= 0 ? s.pos[i] : Double.NEGATIVE_INFINITY,
            j >= 0 ? s.neg[j] : Double.NEGATIVE_INFINITY);
        int tp = 0;
        int tn = 0;
        while (i >= 0 && s.pos[i] == v) {
          i--;
          tp++;
        }
        while (j >= 0 && s.neg[j] == v) {
          j--;
          tn++;
        }
        // negatives strictly below v: j + 1
        aucSum += tp * ((j + 1) + 0.5 * tn);
        double tpr = (double) (np - 1 - i) / np;
        double fpr = (double) (nn - 1 - j) / nn;
        maxGap = Math.max(maxGap, Math.abs(tpr - fpr));
      }
      auc = aucSum / ((double) np * nn);
      ks = maxGap;
    }
    return new Evaluation(auc, ks, correct / n, lift(s, 0.10), logLoss / n);
  }

  /** Evaluates a binary {@code model} on {@code t}. */
  public static Evaluation evaluate(Model model, Table t) {
    if (model.outputs() != 1) {
      throw new IllegalArgumentException("binary metrics need a binary model; use"
          + " evaluateMulticlass for " + model.spec());
    }
    return evaluate(model.predict(t), t.y());
  }

  /**
   * Positive rate among the {@code fraction} highest scores over the overall positive rate. Rows
   * tied with the last row inside the cut count with the share of their group that fits.
   */
  static double lift(Sorted s, double fraction) {
    int np = s.pos.length;
    int n = np + s.neg.length;
    if (np == 0) {
      return Double.NaN;
    }
    double cut = Math.max(1, Math.ceil(fraction * n));
    int i = np - 1;
    int j = s.neg.length - 1;
    double taken = 0;
    double positives = 0;
    while (taken < cut) {
      double v = Math.max(i >= 0 ? s.pos[i] : Double.NEGATIVE_INFINITY,
          j >= 0 ? s.neg[j] : Double.NEGATIVE_INFINITY);
      int tp = 0;
      int tn = 0;
      while (i >= 0 && s.pos[i] == v) {
        i--;
        tp++;
      }
      while (j >= 0 && s.neg[j] == v) {
        j--;
        tn++;
      }
      double share = Math.min(1.0, (cut - taken) / (tp + tn));
      taken += share * (tp + tn);
      positives += share * tp;
    }
    return (positives / cut) / ((double) np / n);
  }

  /**
   * The ROC curve from (0, 0) to (1, 1), one point per distinct score, downsampled to at most
   * {@link #MAX_ROC_POINTS} points (the first and last are always kept). Empty if a class is
   * absent.
   */
  public static List<RocPoint> roc(double[] score, double[] label) {
    Sorted s = sort(score, label);
    int np = s.pos.length;
    int nn = s.neg.length;
    List<RocPoint> all = new ArrayList<>();
    if (np == 0 || nn == 0) {
      return all;
    }
    all.add(new RocPoint(0, 0, Double.POSITIVE_INFINITY));
    int i = np - 1;
    int j = nn - 1;
    while (i >= 0 || j >= 0) {
      double v = Math.max(i >= 0 ? s.pos[i] : Double.NEGATIVE_INFINITY,
          j >= 0 ? s.neg[j] : Double.NEGATIVE_INFINITY);
      while (i >= 0 && s.pos[i] == v) {
        i--;
      }
      while (j >= 0 && s.neg[j] == v) {
        j--;
      }
      all.add(new RocPoint((double) (nn - 1 - j) / nn, (double) (np - 1 - i) / np, v));
    }
    if (all.size() <= MAX_ROC_POINTS) {
      return all;
    }
    List<RocPoint> out = new ArrayList<>(MAX_ROC_POINTS);
    int last = all.size() - 1;
    for (int k = 0; k < MAX_ROC_POINTS; k++) {
      out.add(all.get((int) Math.round((double) k * last / (MAX_ROC_POINTS - 1))));
    }
    return out;
  }

  /**
   * Accuracy and log-loss of per-class probabilities {@code prob} (row-major, rows x classes)
   * against class indices.
   */
  public static MulticlassEvaluation evaluateMulticlass(double[] prob, int classes, double[] label) {
    if (classes < 2 || prob.length != (long) label.length * classes) {
      throw new IllegalArgumentException("need rows * classes = " + label.length + " * " + classes
          + " probabilities, got " + prob.length);
    }
    int n = label.length;
    if (n == 0) {
      throw new IllegalArgumentException("nothing to evaluate: no rows");
    }
    double correct = 0;
    double logLoss = 0;
    for (int r = 0; r < n; r++) {
      int y = (int) label[r];
      if (y < 0 || y >= classes || y != label[r]) {
        throw new IllegalArgumentException("row " + r + ": label " + label[r]
            + " is not a class index in [0, " + classes + ")");
      }
      int off = r * classes;
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (prob[off + c] > prob[off + best]) {
          best = c;
        }
      }
      if (best == y) {
        correct++;
      }
      logLoss -= Math.log(Math.max(EPS, prob[off + y]));
    }
    return new MulticlassEvaluation(correct / n, logLoss / n);
  }

  /** Evaluates a multi-class {@code model} on {@code t}. */
  public static MulticlassEvaluation evaluateMulticlass(Model model, Table t) {
    if (model.outputs() == 1) {
      throw new IllegalArgumentException("evaluateMulticlass needs per-class outputs; "
          + model.spec() + " is binary: use evaluate");
    }
    return evaluateMulticlass(model.predict(t), model.outputs(), t.y());
  }

  record Sorted(double[] pos, double[] neg) {}

  static Sorted sort(double[] score, double[] label) {
    if (score.length != label.length) {
      throw new IllegalArgumentException(
          score.length + " scores for " + label.length + " labels");
    }
    if (score.length == 0) {
      throw new IllegalArgumentException("nothing to evaluate: no rows");
    }
    int np = 0;
    for (int i = 0; i < label.length; i++) {
      if (label[i] == 1) {
        np++;
      } else if (label[i] != 0) {
        throw new IllegalArgumentException("row " + i + ": binary label must be 0 or 1, got "
            + label[i]);
      }
      if (Double.isNaN(score[i])) {
        throw new IllegalArgumentException("row " + i + ": score is NaN");
      }
    }
    double[] pos = new double[np];
    double[] neg = new double[label.length - np];
    for (int i = 0, a = 0, b = 0; i < label.length; i++) {
      if (label[i] == 1) {
        pos[a++] = score[i];
      } else {
        neg[b++] = score[i];
      }
    }
    Arrays.sort(pos);
    Arrays.sort(neg);
    return new Sorted(pos, neg);
  }
}
