package io.fedge.agent.vertical;

import io.fedge.agent.data.DataException;

/** Values of the data store's cells as the vertical protocols take them. */
final class Cells {
  private Cells() {}

  /** A numeric cell (booleans as 0/1); a missing or non-numeric one is a data error naming the column. */
  static double number(Object v, String column) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw new DataException("column '" + column + "' has a " + (v == null ? "missing" : "non-numeric")
        + " value; clean the dataset first");
  }
}
