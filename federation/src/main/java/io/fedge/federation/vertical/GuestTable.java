package io.fedge.federation.vertical;

/** The guest's own features and its binary labels (0/1), aligned with every host's table. */
public record GuestTable(PartyTable features, int[] labels) {
  public GuestTable {
    if (labels.length != features.rowCount()) {
      throw new VerticalException("guest has " + labels.length + " labels for " + features.rowCount() + " rows");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new VerticalException("label at row " + i + " is " + labels[i] + "; binary labels must be 0 or 1");
      }
    }
  }
}
