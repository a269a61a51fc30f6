package io.fedge.federation.horizontal;

import java.util.List;

/**
 * A horizontal aggregation strategy: a pure function from the round's global parameters and the
 * accepted client updates to the next global parameters. No transport, no state.
 */
public interface Strategy {
  /** Short name as used in job files, e.g. {@code fedavg}. */
  String name();

  /**
   * The next global parameters. {@code global} is not modified; every update must have its
   * length.
   *
   * @throws IllegalArgumentException if {@code updates} is empty or a length differs
   */
  double[] aggregate(double[] global, List<ClientUpdate> updates);

  /** The strategy named {@code name} ({@code fedavg}, or {@code fedprox} with its mu). */
  static Strategy named(String name, double proxMu) {
    return switch (name) {
      case "fedavg" -> new FedAvg();
      case "fedprox" -> new FedProx(proxMu);
      default -> throw new IllegalArgumentException(
          "unknown strategy '" + name + "'; use fedavg or fedprox");
    };
  }
}
