package io.fedge.agent.consent;

import java.util.List;

/**
 * A dense block of rows as doubles, row-major: value of row {@code r}, column {@code c} is {@code
 * values[r * columns.size() + c]}. Bools are 0 and 1; a missing value is NaN.
 */
public record NumericTable(List<String> columns, int rows, double[] values) {
  public NumericTable {
    columns = List.copyOf(columns);
    if (values.length != rows * columns.size()) {
      throw new IllegalArgumentException("values hold " + values.length + " doubles, not " + rows + " x " + columns.size());
    }
  }

  public double get(int row, int column) {
    return values[row * columns.size() + column];
  }
}
