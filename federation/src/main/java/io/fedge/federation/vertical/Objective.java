package io.fedge.federation.vertical;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a vertical model predicts (docs/vertical.md, "Objectives"): {@code binary} (labels 0/1,
 * logistic), {@code regression} (real targets, squared loss) or {@code multiclass:K} (labels 0..K-1).
 * On the wire it is that string.
 *
 * @param kind the family
 * @param classes K for multiclass (at least 3), 2 for binary, 1 for regression
 */
public record Objective(Kind kind, int classes) {
  /** Objective families. */
  public enum Kind { BINARY, REGRESSION, MULTICLASS }

  public static final Objective BINARY = new Objective(Kind.BINARY, 2);
  public static final Objective REGRESSION = new Objective(Kind.REGRESSION, 1);
  /** Upper bound on K: each class costs a model (LR) or a tree per round (boosting). */
  public static final int MAX_CLASSES = 64;

  public Objective {
    if (kind == null) {
      throw new VerticalException("objective kind is missing");
    }
    int expected = kind == Kind.BINARY ? 2 : kind == Kind.REGRESSION ? 1 : classes;
    if (classes != expected || kind == Kind.MULTICLASS && (classes < 3 || classes > MAX_CLASSES)) {
      throw new VerticalException(kind == Kind.MULTICLASS
          ? "multiclass needs 3 to " + MAX_CLASSES + " classes (use binary for 2), got " + classes
          : "objective " + kind + " does not take a class count");
    }
  }

  public static Objective multiclass(int classes) {
    return new Objective(Kind.MULTICLASS, classes);
  }

  /** Parses {@code binary}, {@code regression} or {@code multiclass:K}. */
  @JsonCreator
  public static Objective parse(String s) {
    if (s == null) {
      return BINARY;
    }
    if ("binary".equals(s)) {
      return BINARY;
    }
    if ("regression".equals(s)) {
      return REGRESSION;
    }
    if (s.startsWith("multiclass:")) {
      try {
        return multiclass(Integer.parseInt(s.substring("multiclass:".length())));
      } catch (NumberFormatException e) {
        throw new VerticalException("objective '" + s + "': the class count must be an integer");
      }
    }
    throw new VerticalException("objective must be binary, regression or multiclass:K, got '" + s + "'");
  }

  @JsonValue
  @Override
  public String toString() {
    return switch (kind) {
      case BINARY -> "binary";
      case REGRESSION -> "regression";
      case MULTICLASS -> "multiclass:" + classes;
    };
  }

  /**
   * Models trained side by side: K for multiclass (one-vs-rest LR, or one tree per class and
   * round in boosting), else 1.
   */
  public int models() {
    return kind == Kind.MULTICLASS ? classes : 1;
  }

  /** Checks the guest's targets: 0/1 (binary), integers 0..K-1 (multiclass), finite (regression). */
  public void validate(double[] targets) {
    for (int i = 0; i < targets.length; i++) {
      double y = targets[i];
      if (!Double.isFinite(y)) {
        throw new VerticalException("label at row " + i + " is not a finite number");
      }
      if (kind == Kind.BINARY && y != 0 && y != 1) {
        throw new VerticalException("label at row " + i + " is " + y + "; binary labels must be 0 or 1");
      }
      if (kind == Kind.MULTICLASS && (y != Math.rint(y) || y < 0 || y >= classes)) {
        throw new VerticalException("label at row " + i + " is " + y + "; multiclass labels must be integers 0.."
            + (classes - 1));
      }
    }
  }

  /**
   * Turns combined scores into predictions: binary → P(y=1); regression → the score itself;
   * multiclass → row-major n x K softmax probabilities from class-major scores (K blocks of n).
   */
  public double[] predict(double[] classMajorScores) {
    int k = models();
    int n = classMajorScores.length / k;
    double[] out = new double[classMajorScores.length];
    switch (kind) {
      case BINARY -> {
        for (int i = 0; i < n; i++) {
          out[i] = 1 / (1 + Math.exp(-classMajorScores[i]));
        }
      }
      case REGRESSION -> System.arraycopy(classMajorScores, 0, out, 0, n);
      default -> {
        for (int i = 0; i < n; i++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < k; c++) {
            max = Math.max(max, classMajorScores[c * n + i]);
          }
          double sum = 0;
          for (int c = 0; c < k; c++) {
            sum += Math.exp(classMajorScores[c * n + i] - max);
          }
          for (int c = 0; c < k; c++) {
            out[i * k + c] = Math.exp(classMajorScores[c * n + i] - max) / sum;
          }
        }
      }
    }
    return out;
  }

  /**
   * Loss used for early stopping on predictions from {@link #predict}: log loss (binary), mean
   * squared error (regression), multiclass log loss (multiclass).
   */
  public double loss(double[] predictions, double[] targets) {
    int k = models();
    double sum = 0;
    for (int i = 0; i < targets.length; i++) {
      switch (kind) {
        case BINARY -> {
          double p = Math.min(1 - 1e-15, Math.max(1e-15, predictions[i]));
          sum -= targets[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        case REGRESSION -> sum += (predictions[i] - targets[i]) * (predictions[i] - targets[i]);
        default -> sum -= Math.log(Math.max(1e-15, predictions[i * k + (int) targets[i]]));
      }
    }
    return sum / targets.length;
  }

  /**
   * The headline validation metric: AUC (binary), R² (regression), accuracy (multiclass); higher is
   * better in each case.
   */
  public double score(double[] predictions, double[] targets) {
    return switch (kind) {
      case BINARY -> BinaryMetrics.auc(predictions, ints(targets));
      case REGRESSION -> RegressionMetrics.r2(predictions, targets);
      default -> MulticlassMetrics.accuracy(MulticlassMetrics.argmax(predictions, classes), ints(targets));
    };
  }

  /**
   * Test metrics of predictions from {@link #predict}, keyed {@code test_*}: binary AUC, KS,
   * accuracy, lift of the top 10%, log loss; regression RMSE, MAE, R²; multiclass accuracy,
   * macro-F1, log loss.
   */
  public Map<String, Double> testMetrics(double[] predictions, double[] targets) {
    Map<String, Double> m = new LinkedHashMap<>();
    switch (kind) {
      case BINARY -> {
        BinaryMetrics.Report r = BinaryMetrics.report(predictions, ints(targets));
        m.put("test_auc", r.auc());
        m.put("test_ks", r.ks());
        m.put("test_accuracy", r.accuracy());
        m.put("test_lift_top10", r.liftTop10());
        m.put("test_log_loss", r.logLoss());
      }
      case REGRESSION -> {
        m.put("test_rmse", RegressionMetrics.rmse(predictions, targets));
        m.put("test_mae", RegressionMetrics.mae(predictions, targets));
        m.put("test_r2", RegressionMetrics.r2(predictions, targets));
      }
      default -> {
        int[] predicted = MulticlassMetrics.argmax(predictions, classes);
        int[] y = ints(targets);
        m.put("test_accuracy", MulticlassMetrics.accuracy(predicted, y));
        m.put("test_macro_f1", MulticlassMetrics.macroF1(predicted, y, classes));
        m.put("test_log_loss", loss(predictions, targets));
      }
    }
    return m;
  }

  static int[] ints(double[] targets) {
    int[] out = new int[targets.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) targets[i];
    }
    return out;
  }
}
