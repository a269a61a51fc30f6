package io.fedge.federation.vertical;

import java.util.Arrays;

/**
 * Per-feature split thresholds of one party, kept by that party. Edges are the values at the
 * training quantiles k/bins (k = 1..bins-1), deduplicated; the bin of x is the number of edges
 * below x, so "bin <= b" is exactly "x <= edge[b]", the split rule at scoring time.
 */
public final class QuantileBins {
  private final double[][] edges;

  private QuantileBins(double[][] edges) {
    this.edges = edges;
  }

  public static QuantileBins fit(PartyTable table, int bins) {
    int n = table.rowCount();
    double[][] edges = new double[table.featureCount()][];
    double[] column = new double[n];
    for (int f = 0; f < edges.length; f++) {
      for (int i = 0; i < n; i++) {
        column[i] = table.value(i, f);
      }
      Arrays.sort(column);
      double[] e = new double[bins - 1];
      int count = 0;
      for (int k = 1; k < bins; k++) {
        double v = column[(int) Math.min(n - 1, Math.floor((double) k * n / bins))];
        if (v < column[n - 1] && (count == 0 || v > e[count - 1])) {
          e[count++] = v;
        }
      }
      edges[f] = Arrays.copyOf(e, count);
    }
    return new QuantileBins(edges);
  }

  public int features() {
    return edges.length;
  }

  /** Number of split candidates of a feature (= its bins - 1). */
  public int splits(int feature) {
    return edges[feature].length;
  }

  public double threshold(int feature, int split) {
    return edges[feature][split];
  }

  public int bin(int feature, double x) {
    double[] e = edges[feature];
    int lo = 0;
    int hi = e.length; // first edge >= x
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (e[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Bin indices of every row, row-major rows x features. */
  public int[] binAll(PartyTable table) {
    int d = features();
    int[] out = new int[table.rowCount() * d];
    for (int i = 0; i < table.rowCount(); i++) {
      for (int f = 0; f < d; f++) {
        out[i * d + f] = bin(f, table.value(i, f));
      }
    }
    return out;
  }
}
