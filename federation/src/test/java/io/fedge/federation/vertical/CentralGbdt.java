package io.fedge.federation.vertical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference: plain centralised second-order gradient boosting for log loss on the joined columns,
 * written here from the textbook formulas (Chen and Guestrin 2016, eqs. 5-7) independently of the
 * vertical code. Same binning rule (values at the k/bins training quantiles, deduplicated, "x <=
 * edge" goes left), same base score (training log-odds), gain, leaf weight, depth, trees, shrinkage.
 */
public final class CentralGbdt {
  private record Node(int feature, double threshold, double weight, Node left, Node right) {}

  private final List<Node> trees = new ArrayList<>();
  private final double base;

  public CentralGbdt(double[][] x, int[] y, int numTrees, int depth, double rate, int bins, double lambda, double mcw) {
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
    base = Math.log(p0 / (1 - p0));
    double[] f = new double[n];
    Arrays.fill(f, base);
    for (int t = 0; t < numTrees; t++) {
      double[] g = new double[n];
      double[] h = new double[n];
      for (int i = 0; i < n; i++) {
        double p = 1 / (1 + Math.exp(-f[i]));
        g[i] = p - y[i];
        h[i] = p * (1 - p);
      }
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      Node root = grow(x, g, h, all, 0, depth, edges, rate, lambda, mcw);
      trees.add(root);
      for (int i = 0; i < n; i++) {
        f[i] += leaf(root, x[i]);
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

  public double[] scores(double[][] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double z = base;
      for (Node t : trees) {
        z += leaf(t, x[i]);
      }
      out[i] = 1 / (1 + Math.exp(-z));
    }
    return out;
  }
}
