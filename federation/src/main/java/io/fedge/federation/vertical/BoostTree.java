package io.fedge.federation.vertical;

/**
 * One tree of the guest's share of a vertical boosted model, nodes in heap order (children of i at
 * 2i+1 and 2i+2). A node is a leaf (weight), a guest split (feature index and threshold, known to
 * the guest) or a host split (only the host's id: the host keeps feature and threshold).
 */
public record BoostTree(Node[] nodes) {
  /** Node kinds. */
  public enum Kind { LEAF, GUEST, HOST }

  public record Node(Kind kind, double weight, int feature, double threshold, String host) {
    static Node leaf(double weight) {
      return new Node(Kind.LEAF, weight, -1, Double.NaN, null);
    }

    static Node guest(int feature, double threshold) {
      return new Node(Kind.GUEST, 0, feature, threshold, null);
    }

    static Node host(String host) {
      return new Node(Kind.HOST, 0, -1, Double.NaN, host);
    }
  }

  /** Decides the direction at host nodes; the guest answers its own nodes from its row. */
  @FunctionalInterface
  public interface HostRouter {
    boolean goesLeft(String host, int node);
  }

  /** Leaf weight reached by a row. */
  public double leafWeight(double[] guestRow, HostRouter hosts) {
    int i = 0;
    while (true) {
      Node n = nodes[i];
      switch (n.kind()) {
        case LEAF:
          return n.weight();
        case GUEST:
          i = guestRow[n.feature()] <= n.threshold() ? 2 * i + 1 : 2 * i + 2;
          break;
        default:
          i = hosts.goesLeft(n.host(), i) ? 2 * i + 1 : 2 * i + 2;
      }
    }
  }
}
