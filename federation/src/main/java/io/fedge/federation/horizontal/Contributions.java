package io.fedge.federation.horizontal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Per-participant contribution scores for one round, computed by the hub on the plaintext
 * updates with a {@link Utility} on the job owner's validation data. The value of a coalition S of
 * updates is the utility of {@code strategy.aggregate(global, S)}; the empty coalition's value is
 * the utility of {@code global} itself (the round did not happen).
 */
public final class Contributions {
  private Contributions() {}

  /**
   * Leave-one-out: score_k = U(all) - U(all without k). Costs n + 1 aggregations and utility
   * evaluations. It undervalues participants whose data others duplicate (two identical clients
   * both score about 0).
   */
  public static List<Contribution> leaveOneOut(
      Strategy strategy, double[] global, List<ClientUpdate> updates, Utility utility) {
    requireUpdates(updates);
    double all = utility.of(strategy.aggregate(global, updates));
    List<Contribution> out = new ArrayList<>(updates.size());
    for (int k = 0; k < updates.size(); k++) {
      List<ClientUpdate> rest = new ArrayList<>(updates);
      rest.remove(k);
      double without = rest.isEmpty() ? utility.of(global) : utility.of(
          strategy.aggregate(global, rest));
      out.add(new Contribution(updates.get(k).clientId(), all - without, "leave-one-out"));
    }
    return out;
  }

  /**
   * Truncated Monte-Carlo Shapley values (Ghorbani and Zou, "Data Shapley", ICML 2019): for each
   * of {@code permutations} random orders of the participants (drawn with {@code seed}), add them
   * one by one and credit each with the change in utility it causes; average the credits. A
   * permutation is truncated (the remaining participants get 0) once the prefix's utility is
   * within {@code tolerance} of U(all). Costs at most n per permutation, plus one. The scores of
   * one permutation sum to U(all) - U(global) up to the truncation, so the averages do too.
   *
   * <p>The standard error of each score falls as 1/sqrt(permutations); with n participants, 10·n
   * permutations is a common budget. For n &le; 8, exact Shapley values by enumerating all orders
   * cost n! aggregations and may be preferable.
   */
  public static List<Contribution> monteCarloShapley(
      Strategy strategy, double[] global, List<ClientUpdate> updates, Utility utility,
      int permutations, double tolerance, long seed) {
    requireUpdates(updates);
    if (permutations < 1) {
      throw new IllegalArgumentException("permutations must be at least 1, got " + permutations);
    }
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
    }
    int n = updates.size();
    double empty = utility.of(global);
    double all = utility.of(strategy.aggregate(global, updates));
    double[] phi = new double[n];
    int[] order = new int[n];
    SplittableRandom rnd = new SplittableRandom(seed);
    List<ClientUpdate> prefix = new ArrayList<>(n);
    for (int t = 0; t < permutations; t++) {
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      prefix.clear();
      double prev = empty;
      for (int i = 0; i < n; i++) {
        if (Math.abs(all - prev) <= tolerance) {
          break;
        }
        prefix.add(updates.get(order[i]));
        double v = i == n - 1 ? all : utility.of(strategy.aggregate(global, prefix));
        phi[order[i]] += v - prev;
        prev = v;
      }
    }
    List<Contribution> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      out.add(new Contribution(updates.get(k).clientId(), phi[k] / permutations, "shapley-tmc"));
    }
    return out;
  }

  /**
   * Exact Shapley values by enumerating every coalition: score_k = Σ_S |S|! (n-|S|-1)! / n! ·
   * (U(S ∪ {k}) - U(S)) over the coalitions S without k. Costs 2^n aggregations and utility
   * evaluations, so it is limited to {@link #MAX_EXACT} participants; use {@link
   * #monteCarloShapley} beyond.
   */
  public static List<Contribution> exactShapley(
      Strategy strategy, double[] global, List<ClientUpdate> updates, Utility utility) {
    requireUpdates(updates);
    int n = updates.size();
    if (n > MAX_EXACT) {
      throw new IllegalArgumentException("exact Shapley values over " + n
          + " participants need 2^" + n + " evaluations; use monteCarloShapley above " + MAX_EXACT);
    }
    double[] value = new double[1 << n];
    List<ClientUpdate> members = new ArrayList<>(n);
    for (int mask = 0; mask < value.length; mask++) {
      members.clear();
      for (int k = 0; k < n; k++) {
        if ((mask & (1 << k)) != 0) {
          members.add(updates.get(k));
        }
      }
      value[mask] = members.isEmpty() ? utility.of(global)
          : utility.of(strategy.aggregate(global, members));
    }
    // weight(s) = s! (n-s-1)! / n!
    double[] weight = new double[n];
    for (int size = 0; size < n; size++) {
      double w = 1.0 / n;
      for (int i = 1; i <= size; i++) {
        w *= (double) i / (n - i); // builds s! (n-1-s)! / (n-1)! step by step
      }
      weight[size] = w;
    }
    double[] phi = new double[n];
    for (int mask = 0; mask < value.length; mask++) {
      int size = Integer.bitCount(mask);
      for (int k = 0; k < n; k++) {
        if ((mask & (1 << k)) == 0) {
          phi[k] += weight[size] * (value[mask | (1 << k)] - value[mask]);
        }
      }
    }
    List<Contribution> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      out.add(new Contribution(updates.get(k).clientId(), phi[k], "shapley-exact"));
    }
    return out;
  }

  /** Most participants {@link #exactShapley} accepts (2^12 = 4,096 evaluations). */
  public static final int MAX_EXACT = 12;

  private static void requireUpdates(List<ClientUpdate> updates) {
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("no updates to score");
    }
  }
}
