package io.fedge.federation.vertical;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One party's share of a vertical boosted model, as the party keeps it on disk (docs/vertical.md,
 * "Trees over MQTT"). The guest's share is every tree's structure, its own splits and the leaf
 * weights; a host's share is the feature and threshold of each node it owns. Neither share alone
 * scores a row: at a host node the guest knows only the host's id.
 *
 * @param role {@code guest} or {@code host}
 * @param features the party's feature columns, in the order split features index them
 * @param baseScore the guest's initial margin (log-odds of the training labels); 0 for a host
 * @param trees guest: each tree's nodes in heap order (null where the tree has no node); empty for a host
 * @param splits host: its splits by (tree, node); empty for the guest
 * @param objective guest: the model's {@link Objective} ({@code binary}, {@code regression},
 *     {@code multiclass:K}, tree t adding to class t mod K); null (older files, hosts) means binary
 */
public record BoostModelShare(String role, List<String> features, double baseScore, List<List<Node>> trees,
    List<Split> splits, String objective) {

  /**
   * A guest-side node. {@code kind} LEAF has {@code weight}; GUEST has {@code feature} and
   * {@code threshold} (left when value &lt;= threshold); HOST names the owning {@code host} only.
   */
  public record Node(String kind, Double weight, Integer feature, Double threshold, String host) {}

  /** A host-owned split: rows with {@code features[feature] <= threshold} go left. */
  public record Split(int tree, int node, int feature, double threshold) {}

  public BoostModelShare {
    features = List.copyOf(features);
    trees = trees == null ? List.of() : trees.stream().map(t -> java.util.Collections.unmodifiableList(new ArrayList<>(t)))
        .toList();
    splits = splits == null ? List.of() : List.copyOf(splits);
    objective = objective == null ? Objective.BINARY.toString() : Objective.parse(objective).toString();
  }

  /** A binary model's share. */
  public BoostModelShare(String role, List<String> features, double baseScore, List<List<Node>> trees,
      List<Split> splits) {
    this(role, features, baseScore, trees, splits, null);
  }

  /** The objective that turns the summed tree margins into predictions. */
  public Objective model() {
    return Objective.parse(objective);
  }

  /** The guest's share of a binary model after training. */
  public static BoostModelShare ofGuest(List<String> features, double baseScore, List<BoostTree> trees) {
    return ofGuest(features, baseScore, trees, Objective.BINARY);
  }

  /** The guest's share after training. */
  public static BoostModelShare ofGuest(List<String> features, double baseScore, List<BoostTree> trees,
      Objective objective) {
    List<List<Node>> out = new ArrayList<>();
    for (BoostTree t : trees) {
      List<Node> nodes = new ArrayList<>();
      for (BoostTree.Node n : t.nodes()) {
        if (n == null) {
          nodes.add(null);
        } else {
          nodes.add(switch (n.kind()) {
            case LEAF -> new Node("LEAF", n.weight(), null, null, null);
            case GUEST -> new Node("GUEST", null, n.feature(), n.threshold(), null);
            case HOST -> new Node("HOST", null, null, null, n.host());
          });
        }
      }
      out.add(nodes);
    }
    return new BoostModelShare("guest", features, baseScore, out, List.of(), objective.toString());
  }

  /** A host's share after training (splits sorted by tree and node). */
  public static BoostModelShare ofHost(List<String> features, Map<Long, BoostHost.HostSplit> splits) {
    List<Split> out = new ArrayList<>();
    for (Map.Entry<Long, BoostHost.HostSplit> e : splits.entrySet()) {
      out.add(new Split((int) (e.getKey() >>> 32), (int) (long) e.getKey(), e.getValue().feature(),
          e.getValue().threshold()));
    }
    out.sort(Comparator.comparingInt(Split::tree).thenComparingInt(Split::node));
    return new BoostModelShare("host", features, 0, List.of(), out);
  }

  /**
   * The probability of the model assembled in one place from the guest's share and every host's
   * share: what online scoring computes with the shares kept apart (tests and audits use this).
   *
   * @param guestRow the guest's feature values of the row
   * @param hosts host id -> that host's share
   * @param hostRows host id -> that host's feature values of the row
   */
  public static double assembledProbability(BoostModelShare guest, double[] guestRow, Map<String, BoostModelShare> hosts,
      Map<String, double[]> hostRows) {
    double z = guest.baseScore();
    for (int t = 0; t < guest.trees().size(); t++) {
      List<Node> nodes = guest.trees().get(t);
      int i = 0;
      while (true) {
        Node n = nodes.get(i);
        if ("LEAF".equals(n.kind())) {
          z += n.weight();
          break;
        }
        boolean left;
        if ("GUEST".equals(n.kind())) {
          left = guestRow[n.feature()] <= n.threshold();
        } else {
          int tt = t;
          int ii = i;
          Split s = hosts.get(n.host()).splits().stream().filter(x -> x.tree() == tt && x.node() == ii).findFirst()
              .orElseThrow(() -> new VerticalException(n.host() + " has no split for node " + ii + " of tree " + tt));
          left = hostRows.get(n.host())[s.feature()] <= s.threshold();
        }
        i = left ? 2 * i + 1 : 2 * i + 2;
      }
    }
    return 1 / (1 + Math.exp(-z));
  }
}
