package io.fedge.federation.vertical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference: plain centralised second-order gradient boosting for log loss on the joined columns,
 * written here from the textbook formulas (Chen and Guestrin 2016, eqs. 5-7) independently of the
 * vertical code. Same binning rule (values at the k/bins training quantiles, deduplicated, "x <=
 * edge" goes left), same base score (training log-odds), gain, leaf weight, depth, trees, shrinkage.
 * Regression: squared loss (g = f - y, h = 1, base score the mean), unscaled. Multiclass: softmax,
 * K trees per round from the probabilities at the round's start, h = p(1 - p), base score 0.
 */
public final class CentralGbdt {
  private record Node(int feature, double threshold, double weight, Node left, Node right) {}

  private final List<Node> trees = new ArrayList<>();
  private final double base;
  private final Objective objective;

  public CentralGbdt(double[][] x, int[] y, int numTrees, int depth, double rate, int bins, double lambda, double mcw) {
    this(x, Arrays.stream(y).asDoubleStream().toArray(), Objective.BINARY, numTrees, depth, rate, bins, lambda, mcw);
  }

  public CentralGbdt(double[][] x, double[] y, Objective objective, int numTrees, int depth, double rate, int bins,
      double lambda, double mcw) {
    this.objective = objective;
    int n = x.length;
    int d = x[0].length;
    double[][] edges = new double[d][];
    for (int f = 0; f < d; f++) {
      double[] col = new double[n];
      for (int i = 0; i < n; i++) {
        col[i] = x[i][f];
      }
      Arrays.sort(col);
      List<Double> e = new ArrayList<>();
      for (int k = 1; k < bins; k++) {
        double v = col[(int) Math.min(n - 1, Math.floor((double) k * n / bins))];
        if (v < col[n - 1] && (e.isEmpty() || v > e.get(e.size() - 1))) {
          e.add(v);
        }
      }
      edges[f] = e.stream().mapToDouble(Double::doubleValue).toArray();
    }
    double p0 = Arrays.stream(y).average().orElse(0.5);
    int k = objective.models();
    base = switch (objective.kind()) {
      case BINARY -> Math.log(p0 / (1 - p0));
      case REGRESSION -> p0;
      case MULTICLASS -> 0;
    };
    double[][] f = new double[k][n];
    for (double[] fc : f) {
      Arrays.fill(fc, base);
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int t = 0; t < numTrees; t++) {
      double[][] p = new double[k][n];
      for (int i = 0; i < n; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          max = Math.max(max, f[c][i]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
          sum += Math.exp(f[c][i] - max);
        }
        for (int c = 0; c < k; c++) {
          p[c][i] = Math.exp(f[c][i] - max) / sum;
        }
      }
      for (int c = 0; c < k; c++) {
        double[] g = new double[n];
        double[] h = new double[n];
        for (int i = 0; i < n; i++) {
          switch (objective.kind()) {
            case BINARY -> {
              double q = 1 / (1 + Math.exp(-f[c][i]));
              g[i] = q - y[i];
              h[i] = q * (1 - q);
            }
            case REGRESSION -> {
              g[i] = f[c][i] - y[i];
              h[i] = 1;
            }
            case MULTICLASS -> {
              g[i] = p[c][i] - (y[i] == c ? 1 : 0);
              h[i] = p[c][i] * (1 - p[c][i]);
            }
          }
        }
        Node root = grow(x, g, h, all, 0, depth, edges, rate, lambda, mcw);
        trees.add(root);
        for (int i = 0; i < n; i++) {
          f[c][i] += leaf(root, x[i]);
        }
      }
    }
  }

  private static Node grow(double[][] x, double[] g, double[] h, int[] rows, int level, int depth,
      double[][] edges, double rate, double lambda, double mcw) {
    double gs = 0;
    double hs = 0;
    for (int r : rows) {
      gs += g[r];
      hs += h[r];
    }
    double leafWeight = -gs / (hs + lambda) * rate;
    if (level >= depth || rows.length < 2) {
      return new Node(-1, 0, leafWeight, null, null);
    }
    double best = 0;
    int bf = -1;
    double bt = 0;
    for (int f = 0; f < edges.length; f++) {
      double[] e = edges[f];
      for (double threshold : e) {
        double gl = 0;
        double hl = 0;
        for (int r : rows) {
          if (x[r][f] <= threshold) {
            gl += g[r];
            hl += h[r];
          }
        }
        double gr = gs - gl;
        double hr = hs - hl;
        if (hl < mcw || hr < mcw) {
          continue;
        }
        double gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - gs * gs / (hs + lambda);
        if (gain > best) {
          best = gain;
          bf = f;
          bt = threshold;
        }
      }
    }
    if (bf < 0) {
      return new Node(-1, 0, leafWeight, null, null);
    }
    int feature = bf;
    double threshold = bt;
    int[] left = Arrays.stream(rows).filter(r -> x[r][feature] <= threshold).toArray();
    int[] right = Arrays.stream(rows).filter(r -> x[r][feature] > threshold).toArray();
    return new Node(feature, threshold, 0,
        grow(x, g, h, left, level + 1, depth, edges, rate, lambda, mcw),
        grow(x, g, h, right, level + 1, depth, edges, rate, lambda, mcw));
  }

  private static double leaf(Node node, double[] row) {
    Node n = node;
    while (n.left() != null) {
      n = row[n.feature()] <= n.threshold() ? n.left() : n.right();
    }
    return n.weight();
  }

  /** Predictions as {@link Objective#predict} gives them (multiclass: row-major n x K probabilities). */
  public double[] scores(double[][] x) {
    int k = objective.models();
    double[] z = new double[x.length * k]; // class-major
    for (int i = 0; i < x.length; i++) {
      for (int c = 0; c < k; c++) {
        z[c * x.length + i] = base;
      }
      for (int t = 0; t < trees.size(); t++) {
        z[(t % k) * x.length + i] += leaf(trees.get(t), x[i]);
      }
    }
    return objective.predict(z);
  }
}
