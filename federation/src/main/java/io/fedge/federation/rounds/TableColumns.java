package io.fedge.federation.rounds;

import io.fedge.federation.model.Table;
import java.util.List;

/** Puts a table's features in a job's order, reading only the named columns. */
public final class TableColumns {
  private TableColumns() {}

  /**
   * The table restricted to {@code features}, in that order.
   *
   * @throws IllegalArgumentException naming the first feature the table lacks
   */
  public static Table project(Table t, List<String> features) {
    if (t.columns().equals(features)) {
      return t;
    }
    int[] from = new int[features.size()];
    for (int j = 0; j < from.length; j++) {
      from[j] = t.columns().indexOf(features.get(j));
      if (from[j] < 0) {
        throw new IllegalArgumentException("the data has no column '" + features.get(j) + "' (it has " + t.columns() + ")");
      }
    }
    int d = from.length;
    double[] x = new double[t.rows() * d];
    for (int i = 0; i < t.rows(); i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = t.x()[i * t.cols() + from[j]];
      }
    }
    return new Table(t.rows(), d, x, t.y(), List.copyOf(features));
  }
}
