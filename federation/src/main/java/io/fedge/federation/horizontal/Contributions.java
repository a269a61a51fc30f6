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

  private static void requireUpdates(List<ClientUpdate> updates) {
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("no updates to score");
    }
  }
}
