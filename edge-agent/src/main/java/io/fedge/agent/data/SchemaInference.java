package io.fedge.agent.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Infers column types from a bounded sample of text rows (the first rows of a dataset's first
 * file). For each column it counts, over the non-empty sampled values, how many each type accepts,
 * and picks the first type, in the order bool, int, float, date, timestamp, that
 *
 * <ul>
 *   <li>accepts all but at most {@value #OUTLIER_PERCENT}% of the values (rounded down: with fewer
 *       than 50 values, all of them), so that one typo in a thousand rows does not turn a number
 *       column into text: the typo is quarantined instead; and
 *   <li>rejects no value that a wider type of its family accepts (an int column holding 1.5 is a
 *       float column, a date column holding a date-time is a timestamp column).
 * </ul>
 *
 * A column with no value in the sample, or that no type fits, is a string column. Rows after the
 * sample are checked against the result, never used to widen it.
 */
public final class SchemaInference {
  static final int OUTLIER_PERCENT = 2;
  private static final ColumnType[] ORDER = {
    ColumnType.BOOL, ColumnType.INT, ColumnType.FLOAT, ColumnType.DATE, ColumnType.TIMESTAMP
  };

  private final List<String> names;
  private final long[][] accepted; // [column][type ordinal]
  private final long[] nonEmpty;
  private final long[] floatNotInt;
  private final long[] timestampNotDate;
  private int rows;

  public SchemaInference(List<String> names) {
    this.names = List.copyOf(names);
    int n = names.size();
    accepted = new long[n][ColumnType.values().length];
    nonEmpty = new long[n];
    floatNotInt = new long[n];
    timestampNotDate = new long[n];
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
      nonEmpty[i]++;
      boolean[] ok = new boolean[ColumnType.values().length];
      for (ColumnType t : ORDER) {
        ok[t.ordinal()] = t.accepts(v);
        if (ok[t.ordinal()]) {
          accepted[i][t.ordinal()]++;
        }
      }
      if (ok[ColumnType.FLOAT.ordinal()] && !ok[ColumnType.INT.ordinal()]) {
        floatNotInt[i]++;
      }
      if (ok[ColumnType.TIMESTAMP.ordinal()] && !ok[ColumnType.DATE.ordinal()]) {
        timestampNotDate[i]++;
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
    if (nonEmpty[i] == 0) {
      return ColumnType.STRING;
    }
    long tolerated = nonEmpty[i] * OUTLIER_PERCENT / 100;
    for (ColumnType t : ORDER) {
      if (nonEmpty[i] - accepted[i][t.ordinal()] > tolerated) {
        continue;
      }
      if (t == ColumnType.INT && floatNotInt[i] > 0) {
        continue;
      }
      if (t == ColumnType.DATE && timestampNotDate[i] > 0) {
        continue;
      }
      return t;
    }
    return ColumnType.STRING;
  }
}
