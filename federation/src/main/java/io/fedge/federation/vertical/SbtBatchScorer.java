package io.fedge.federation.vertical;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch scoring with a vertical boosted-tree share ({@link BoostModelShare}): a host sends, for each
 * split node it owns, which of the chunk's rows go left ({@link Part}, the same decisions as the
 * online {@link BoostMessages.Routes}); the guest walks its trees over its own splits and the hosts'
 * decisions, adds the leaf weights to the base score and applies the sigmoid. Hosts learn nothing
 * new (they see only ids they already share); the guest learns the hosts' left/right decisions of
 * the chunk's rows, as in online scoring, never a host threshold or feature value.
 */
public final class SbtBatchScorer implements BatchScorer {
  /** Host to guest: for each split node the host owns, left[k] is true when the chunk's k-th row goes left. */
  public record Part(String jobId, int chunk, List<BoostMessages.NodeRoute> routes) implements ChunkPart {
    public Part {
      routes = routes == null ? List.of() : List.copyOf(routes);
    }
  }

  private final BoostModelShare share;

  public SbtBatchScorer(BoostModelShare share) {
    if (!"guest".equals(share.role()) && !"host".equals(share.role())) {
      throw new VerticalException("a tree share has role guest or host, not " + share.role());
    }
    int f = share.features().size();
    for (BoostModelShare.Split s : share.splits()) {
      if (s.feature() < 0 || s.feature() >= f) {
        throw new VerticalException("split (tree " + s.tree() + ", node " + s.node() + ") of the tree share reads column "
            + s.feature() + " of " + f);
      }
    }
    for (List<BoostModelShare.Node> tree : share.trees()) {
      for (BoostModelShare.Node n : tree) {
        if (n != null && "GUEST".equals(n.kind()) && (n.feature() == null || n.feature() < 0 || n.feature() >= f)) {
          throw new VerticalException("a guest node of the tree share reads column " + n.feature() + " of " + f);
        }
      }
    }
    this.share = share;
  }

  @Override
  public List<String> features() {
    return share.features();
  }

  private void checkRows(double[][] rows) {
    for (int k = 0; k < rows.length; k++) {
      if (rows[k].length != share.features().size()) {
        throw new VerticalException("row " + k + " has " + rows[k].length + " values for "
            + share.features().size() + " columns");
      }
    }
  }

  @Override
  public ChunkPart hostPart(String jobId, int chunk, double[][] rows) {
    if (!"host".equals(share.role())) {
      throw new VerticalException("the guest's tree share cannot score as a host");
    }
    checkRows(rows);
    List<BoostMessages.NodeRoute> routes = new ArrayList<>(share.splits().size());
    for (BoostModelShare.Split s : share.splits()) {
      boolean[] left = new boolean[rows.length];
      for (int k = 0; k < rows.length; k++) {
        left[k] = rows[k][s.feature()] <= s.threshold();
      }
      routes.add(new BoostMessages.NodeRoute(s.tree(), s.node(), left));
    }
    return new Part(jobId, chunk, routes);
  }

  private static long key(int tree, int node) {
    return ((long) tree << 32) | (node & 0xffffffffL);
  }

  @Override
  public double[] combine(double[][] rows, Map<String, ChunkPart> parts) {
    if (!"guest".equals(share.role())) {
      throw new VerticalException("a host's tree share cannot combine scores; only the guest can");
    }
    checkRows(rows);
    Map<String, Map<Long, boolean[]>> decisions = new HashMap<>();
    for (Map.Entry<String, ChunkPart> e : parts.entrySet()) {
      if (!(e.getValue() instanceof Part p)) {
        throw new VerticalException("host " + e.getKey() + " sent a " + e.getValue().getClass().getSimpleName()
            + " to a tree scoring job");
      }
      Map<Long, boolean[]> byNode = new HashMap<>();
      for (BoostMessages.NodeRoute r : p.routes()) {
        if (r.left() == null || r.left().length != rows.length) {
          throw new VerticalException("host " + e.getKey() + " routed " + (r.left() == null ? 0 : r.left().length)
              + " rows at node " + r.node() + " of tree " + r.tree() + " for " + rows.length + " rows");
        }
        byNode.put(key(r.tree(), r.node()), r.left());
      }
      decisions.put(e.getKey(), byNode);
    }
    Objective objective = share.model();
    int classes = objective.models();
    double[] z = new double[rows.length * classes]; // class-major margins, as Objective.predict takes them
    java.util.Arrays.fill(z, share.baseScore());
    for (int k = 0; k < rows.length; k++) {
      for (int t = 0; t < share.trees().size(); t++) {
        List<BoostModelShare.Node> nodes = share.trees().get(t);
        int i = 0;
        while (true) {
          BoostModelShare.Node n = i < nodes.size() ? nodes.get(i) : null;
          if (n == null) {
            throw new VerticalException("tree " + t + " of the guest's share has no node " + i);
          }
          if ("LEAF".equals(n.kind())) {
            z[(t % classes) * rows.length + k] += n.weight();
            break;
          }
          boolean left;
          if ("GUEST".equals(n.kind())) {
            left = rows[k][n.feature()] <= n.threshold();
          } else {
            Map<Long, boolean[]> byNode = decisions.get(n.host());
            boolean[] l = byNode == null ? null : byNode.get(key(t, i));
            if (l == null) {
              throw new VerticalException("host " + n.host() + " sent no route for its node " + i + " of tree " + t);
            }
            left = l[k];
          }
          i = left ? 2 * i + 1 : 2 * i + 2;
        }
      }
    }
    return objective.predict(z);
  }
}
