package io.fedge.federation.vertical;

/**
 * The guest's own features and its targets, aligned with every host's table: 0/1 labels (binary),
 * class indices 0..K-1 (multiclass) or real values (regression). The job's {@link Objective}
 * checks them when training starts.
 */
public record GuestTable(PartyTable features, double[] targets) {
  public GuestTable {
    if (targets.length != features.rowCount()) {
      throw new VerticalException("guest has " + targets.length + " labels for " + features.rowCount() + " rows");
    }
    for (int i = 0; i < targets.length; i++) {
      if (!Double.isFinite(targets[i])) {
        throw new VerticalException("label at row " + i + " is not a finite number");
      }
    }
  }

  /** Binary labels (0/1), checked here as before objectives existed. */
  public GuestTable(PartyTable features, int[] labels) {
    this(features, binary(labels));
  }

  /** The targets as class indices (binary and multiclass objectives). */
  public int[] labels() {
    return Objective.ints(targets);
  }

  private static double[] binary(int[] labels) {
    double[] out = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = labels[i];
    }
    Objective.BINARY.validate(out);
    return out;
  }
}
