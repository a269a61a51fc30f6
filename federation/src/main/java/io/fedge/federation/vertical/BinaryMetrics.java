package io.fedge.federation.vertical;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Metrics of a binary scorer, computed by the guest (the only party with labels): ROC AUC (ties
 * counted half), Kolmogorov-Smirnov statistic, accuracy at 0.5, lift of the top fraction, log loss.
 */
public final class BinaryMetrics {
  private BinaryMetrics() {}

  /** The usual bundle, as reported after training. */
  public record Report(double auc, double ks, double accuracy, double liftTop10, double logLoss, int rows) {}

  public static Report report(double[] scores, int[] labels) {
    return new Report(auc(scores, labels), ks(scores, labels), accuracy(scores, labels, 0.5),
        lift(scores, labels, 0.1), logLoss(scores, labels), scores.length);
  }

  public static double auc(double[] scores, int[] labels) {
    check(scores, labels);
    Integer[] order = sortedAscending(scores);
    long positives = Arrays.stream(labels).filter(l -> l == 1).count();
    long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      throw new VerticalException("AUC needs both classes among the evaluated rows");
    }
    double rankSum = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double avgRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
          rankSum += avgRank;
        }
      }
      i = j + 1;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  public static double ks(double[] scores, int[] labels) {
    check(scores, labels);
    Integer[] order = sortedAscending(scores);
    long positives = Arrays.stream(labels).filter(l -> l == 1).count();
    long negatives = labels.length - positives;
    double tp = 0;
    double fp = 0;
    double best = 0;
    for (int i = order.length - 1; i >= 0; i--) {
      if (labels[order[i]] == 1) {
        tp++;
      } else {
        fp++;
      }
      if (i == 0 || scores[order[i - 1]] != scores[order[i]]) {
        best = Math.max(best, Math.abs(tp / positives - fp / negatives));
      }
    }
    return best;
  }

  public static double accuracy(double[] scores, int[] labels, double threshold) {
    check(scores, labels);
    int right = 0;
    for (int i = 0; i < scores.length; i++) {
      if ((scores[i] >= threshold ? 1 : 0) == labels[i]) {
        right++;
      }
    }
    return right / (double) scores.length;
  }

  /** Positive rate among the top {@code fraction} of rows by score, over the overall positive rate. */
  public static double lift(double[] scores, int[] labels, double fraction) {
    check(scores, labels);
    Integer[] order = sortedAscending(scores);
    int top = Math.max(1, (int) Math.round(fraction * scores.length));
    int hits = 0;
    for (int i = 0; i < top; i++) {
      hits += labels[order[order.length - 1 - i]];
    }
    double base = Arrays.stream(labels).sum() / (double) labels.length;
    return base == 0 ? 0 : (hits / (double) top) / base;
  }

  public static double logLoss(double[] scores, int[] labels) {
    check(scores, labels);
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      double p = Math.min(1 - 1e-15, Math.max(1e-15, scores[i]));
      sum -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / scores.length;
  }

  private static Integer[] sortedAscending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    return order;
  }

  private static void check(double[] scores, int[] labels) {
    if (scores.length != labels.length || scores.length == 0) {
      throw new VerticalException("need as many scores as labels, and at least one: " + scores.length
          + " scores, " + labels.length + " labels");
    }
  }
}
