package io.fedge.agent.data;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Infers column types from a bounded sample of text rows. For each column it keeps the set of types
 * that every non-empty sampled value belongs to, and picks the narrowest survivor in the order
 * bool, int, float, date, timestamp, string. An int column that also holds decimals becomes float
 * (every int is a float), a column with only empty values in the sample becomes string. Values of
 * rows outside the sample are checked against the result, never used to widen it.
 */
public final class SchemaInference {
  private static final ColumnType[] ORDER = {
    ColumnType.BOOL, ColumnType.INT, ColumnType.FLOAT, ColumnType.DATE, ColumnType.TIMESTAMP
  };

  private final List<String> names;
  private final List<EnumSet<ColumnType>> candidates = new ArrayList<>();
  private final boolean[] seenValue;
  private int rows;

  public SchemaInference(List<String> names) {
    this.names = List.copyOf(names);
    for (int i = 0; i < names.size(); i++) {
      candidates.add(EnumSet.of(ColumnType.BOOL, ColumnType.INT, ColumnType.FLOAT, ColumnType.DATE, ColumnType.TIMESTAMP));
    }
    this.seenValue = new boolean[names.size()];
  }

  /** Adds one row of the sample; {@code values[i]} is null or empty for a missing value. */
  public void add(String[] values) {
    if (values.length != names.size()) {
      throw new IllegalArgumentException("row has " + values.length + " values, schema " + names.size());
    }
    rows++;
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      if (v == null || v.isEmpty()) {
        continue;
      }
      seenValue[i] = true;
      EnumSet<ColumnType> c = candidates.get(i);
      if (!c.isEmpty()) {
        c.removeIf(t -> !t.accepts(v));
      }
    }
  }

  public int rows() {
    return rows;
  }

  public Schema result() {
    List<Column> cols = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      cols.add(new Column(names.get(i), pick(i)));
    }
    return new Schema(cols);
  }

  private ColumnType pick(int i) {
    if (!seenValue[i]) {
      return ColumnType.STRING;
    }
    EnumSet<ColumnType> c = candidates.get(i);
    for (ColumnType t : ORDER) {
      if (c.contains(t)) {
        return t;
      }
    }
    return ColumnType.STRING;
  }
}
