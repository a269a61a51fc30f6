package io.fedge.federation.horizontal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Screens one round's plaintext client updates before aggregation and flags:
 *
 * <ul>
 *   <li><b>non-finite</b>: NaN or infinite parameters, or a parameter vector of the wrong length
 *       (always checked);
 *   <li><b>norm outlier</b>: the L2 norm of the delta {@code p_k - global} has a robust z-score
 *       0.6745 (norm - median) / MAD above {@code normThreshold} (Iglewicz and Hoaglin's modified
 *       z-score; 3.5 is their usual cut-off) <em>and</em> the norm is more than {@code
 *       minNormRatio} (default 1.5) times the median. The ratio guards against false alarms when
 *       honest norms agree so closely that the MAD is tiny (a 20% larger honest update would
 *       otherwise score z &gt; 3.5). Only large norms are flagged: a small norm is what a client
 *       with little data or an almost converged model sends.
 *   <li><b>direction outlier</b>: the cosine between the delta and the coordinate-wise median of
 *       all deltas is below {@code minCosine} (0 by default: the update points away from what
 *       the majority agrees on, as a sign-flipped update does).
 * </ul>
 *
 * The two statistical checks need a majority of honest updates to define "normal", so they run
 * only when at least {@code minClients} finite updates are present (default 3; with fewer they
 * are skipped and the report says so). Medians and MAD tolerate up to half of the updates being
 * outliers. A MAD of zero (all norms equal) is replaced by 1e-9 times the median, so a single
 * deviating norm is still caught. Flagged updates are to be excluded from aggregation ({@link
 * AnomalyReport#accepted()}).
 */
public final class AnomalyDetector {
  private final double normThreshold;
  private final double minNormRatio;
  private final double minCosine;
  private final int minClients;

  public AnomalyDetector() {
    this(3.5, 1.5, 0.0, 3);
  }

  /**
   * @param normThreshold robust z-score above which a norm is an outlier, positive
   * @param minNormRatio a norm outlier must also exceed this multiple of the median norm, &ge; 1
   * @param minCosine cosine to the median delta below which a direction is an outlier, in [-1, 1]
   * @param minClients fewest finite updates for the statistical checks to run, at least 3
   */
  public AnomalyDetector(
      double normThreshold, double minNormRatio, double minCosine, int minClients) {
    if (!(normThreshold > 0)) {
      throw new IllegalArgumentException("normThreshold must be positive, got " + normThreshold);
    }
    if (!(minNormRatio >= 1) || Double.isInfinite(minNormRatio)) {
      throw new IllegalArgumentException("minNormRatio must be at least 1, got " + minNormRatio);
    }
    if (!(minCosine >= -1 && minCosine <= 1)) {
      throw new IllegalArgumentException("minCosine must be in [-1, 1], got " + minCosine);
    }
    if (minClients < 3) {
      throw new IllegalArgumentException("minClients must be at least 3, got " + minClients);
    }
    this.normThreshold = normThreshold;
    this.minNormRatio = minNormRatio;
    this.minCosine = minCosine;
    this.minClients = minClients;
  }

  /** Screens {@code updates} against the round's starting model {@code global}. */
  public AnomalyReport screen(double[] global, List<ClientUpdate> updates) {
    int n = updates.size();
    int p = global.length;
    List<List<String>> reasons = new ArrayList<>(n);
    double[][] deltas = new double[n][];
    double[] norms = new double[n];
    double[] cosines = new double[n];
    Arrays.fill(norms, Double.NaN);
    Arrays.fill(cosines, Double.NaN);
    double[] robustZ = new double[n];
    Arrays.fill(robustZ, Double.NaN);
    int finite = 0;
    for (int k = 0; k < n; k++) {
      List<String> r = new ArrayList<>();
      reasons.add(r);
      double[] w = updates.get(k).parameters();
      if (w.length != p) {
        r.add("wrong length: " + w.length + " parameters, the model has " + p);
        continue;
      }
      double[] d = new double[p];
      double s = 0;
      boolean ok = true;
      for (int i = 0; i < p; i++) {
        double v = w[i] - global[i];
        if (!Double.isFinite(v)) {
          ok = false;
          break;
        }
        d[i] = v;
        s += v * v;
      }
      if (!ok || !Double.isFinite(s)) {
        r.add("non-finite: NaN or infinite parameters");
        continue;
      }
      deltas[k] = d;
      norms[k] = Math.sqrt(s);
      finite++;
    }
    String skipped = null;
    if (finite >= minClients) {
      double[] finiteNorms = new double[finite];
      for (int k = 0, j = 0; k < n; k++) {
        if (deltas[k] != null) {
          finiteNorms[j++] = norms[k];
        }
      }
      double med = median(finiteNorms);
      double[] dev = new double[finite];
      for (int j = 0; j < finite; j++) {
        dev[j] = Math.abs(finiteNorms[j] - med);
      }
      double mad = Math.max(median(dev), 1e-9 * Math.max(med, Double.MIN_NORMAL));
      double[] ref = coordinateMedian(deltas, finite, p);
      double refNorm = norm(ref);
      for (int k = 0; k < n; k++) {
        if (deltas[k] == null) {
          continue;
        }
        robustZ[k] = 0.6745 * (norms[k] - med) / mad;
        if (robustZ[k] > normThreshold && norms[k] > minNormRatio * med) {
          reasons.get(k).add(String.format(java.util.Locale.ROOT,
              "norm outlier: |delta| = %.4g, %.1f x the median %.4g, robust z %.1f > %.1f",
              norms[k], norms[k] / med, med, robustZ[k], normThreshold));
        }
        if (refNorm > 0 && norms[k] > 0) {
          cosines[k] = dot(deltas[k], ref) / (norms[k] * refNorm);
          if (cosines[k] < minCosine) {
            reasons.get(k).add(String.format(java.util.Locale.ROOT,
                "direction outlier: cosine to the median update %.3f < %.3f",
                cosines[k], minCosine));
          }
        }
      }
    } else {
      skipped = "only " + finite + " finite updates (fewer than " + minClients
          + "): norm and direction checks skipped";
    }
    List<AnomalyReport.Verdict> verdicts = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      verdicts.add(new AnomalyReport.Verdict(updates.get(k).clientId(), reasons.get(k),
          norms[k], robustZ[k], cosines[k]));
    }
    return new AnomalyReport(updates, verdicts, skipped);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
  }

  /**
   * Coordinate-wise median of the non-null rows. Coordinates are processed in blocks: a block of
   * every row is copied into a coordinate-major buffer (so the selection reads contiguous memory),
   * then each coordinate's median is found by quickselect, O(count) expected.
   */
  static double[] coordinateMedian(double[][] rows, int count, int p) {
    final int block = 512;
    double[] buf = new double[block * count];
    double[] out = new double[p];
    int m = count / 2;
    for (int start = 0; start < p; start += block) {
      int len = Math.min(block, p - start);
      int j = 0;
      for (double[] r : rows) {
        if (r == null) {
          continue;
        }
        for (int b = 0; b < len; b++) {
          buf[b * count + j] = r[start + b];
        }
        j++;
      }
      for (int b = 0; b < len; b++) {
        int from = b * count;
        double hi = select(buf, from, from + count, from + m);
        if (count % 2 == 1) {
          out[start + b] = hi;
        } else {
          double lo = buf[from];
          for (int i = from + 1; i < from + m; i++) {
            lo = Math.max(lo, buf[i]); // after select, [from, from+m) holds the m smallest
          }
          out[start + b] = 0.5 * (lo + hi);
        }
      }
    }
    return out;
  }

  /**
   * Rearranges a[from..to) so that a[k] is the value that would be there if sorted, smaller or
   * equal values before it and larger or equal after it (Hoare's selection); returns a[k].
   */
  static double select(double[] a, int from, int to, int k) {
    int lo = from;
    int hi = to - 1;
    while (lo < hi) {
      double pivot = a[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        break;
      }
    }
    return a[k];
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }
}
