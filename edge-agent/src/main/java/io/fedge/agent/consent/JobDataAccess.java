package io.fedge.agent.consent;

import io.fedge.agent.data.Column;
import io.fedge.agent.data.DataException;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DatasetInfo;
import io.fedge.agent.data.Schema;
import io.fedge.federation.wire.DatasetColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one job may read: the datasets and columns its approved consent lists, nothing else. Every
 * read checks again that the consent still stands (a revocation takes effect at the next read) and
 * that each column asked for is approved; anything else is a {@link ConsentException} naming the
 * column, before a single row is touched.
 */
public final class JobDataAccess {
  private final String jobId;
  private final ConsentService consent;
  private final DataStore data;

  JobDataAccess(String jobId, ConsentService consent, DataStore data) {
    this.jobId = jobId;
    this.consent = consent;
    this.data = data;
  }

  public String jobId() {
    return jobId;
  }

  /** The approved reads, or ConsentException when the job is not (or no longer) approved. */
  public List<DatasetColumns> approved() {
    ConsentRequest r = consent.request(jobId)
        .orElseThrow(() -> new ConsentException("job " + jobId + " has no consent request on this agent; it may read nothing"));
    if (r.status() != ConsentRequest.Status.APPROVED) {
      throw new ConsentException("job " + jobId + " is " + r.status() + " on this agent; it may read nothing");
    }
    return r.reads();
  }

  /** Throws ConsentException unless every column of {@code columns} of {@code dataset} is approved. */
  public void check(String dataset, List<String> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("name at least one column to read");
    }
    List<String> allowed = new ArrayList<>();
    for (DatasetColumns dc : approved()) {
      if (dc.dataset().equals(dataset)) {
        allowed.addAll(dc.columns());
      }
    }
    if (allowed.isEmpty()) {
      throw new ConsentException("job " + jobId + " was not approved to read dataset '" + dataset + "'");
    }
    for (String c : columns) {
      if (!allowed.contains(c)) {
        throw new ConsentException("job " + jobId + " was not approved to read column '" + c + "' of dataset '" + dataset
            + "' (approved: " + allowed + ")");
      }
    }
  }

  /**
   * Streams the approved {@code columns} of {@code dataset} in load order as numeric blocks of at
   * most {@code blockRows} rows (memory stays bounded by the block). Int and float columns are their
   * value, bool columns 0/1, missing values NaN; any other column type is refused up front.
   */
  public void readNumeric(String dataset, List<String> columns, int blockRows, Consumer<NumericTable> sink) {
    if (blockRows < 1) {
      throw new IllegalArgumentException("blockRows must be at least 1");
    }
    check(dataset, columns);
    DatasetInfo info = data.dataset(dataset).orElseThrow(() -> new DataException("dataset '" + dataset + "' does not exist"));
    checkNumeric(info.schema(), columns);
    int w = columns.size();
    double[][] block = {new double[blockRows * w]};
    int[] n = {0};
    data.scan(dataset, columns, row -> {
      double[] b = block[0];
      int base = n[0] * w;
      for (int i = 0; i < w; i++) {
        Object v = row[i];
        b[base + i] = v == null ? Double.NaN : v instanceof Boolean bo ? (bo ? 1 : 0) : ((Number) v).doubleValue();
      }
      if (++n[0] == blockRows) {
        sink.accept(new NumericTable(columns, blockRows, b));
        block[0] = new double[blockRows * w];
        n[0] = 0;
      }
      return true;
    });
    if (n[0] > 0) {
      sink.accept(new NumericTable(columns, n[0], Arrays.copyOf(block[0], n[0] * w)));
    }
  }

  /** The approved {@code columns} of {@code dataset} as one table; refuses datasets over {@code maxRows} rows. */
  public NumericTable readNumeric(String dataset, List<String> columns, int maxRows) {
    check(dataset, columns);
    DatasetInfo info = data.dataset(dataset).orElseThrow(() -> new DataException("dataset '" + dataset + "' does not exist"));
    if (info.rowCount() > maxRows) {
      throw new DataException("dataset '" + dataset + "' has " + info.rowCount() + " rows, more than the " + maxRows
          + " asked for; read it in blocks");
    }
    List<NumericTable> parts = new ArrayList<>();
    readNumeric(dataset, columns, (int) Math.max(1, Math.min(maxRows, info.rowCount())), parts::add);
    if (parts.isEmpty()) {
      return new NumericTable(columns, 0, new double[0]);
    }
    if (parts.size() == 1 && parts.get(0).rows() <= maxRows) {
      return parts.get(0);
    }
    throw new DataException("dataset '" + dataset + "' grew past " + maxRows + " rows while it was read; read it in blocks");
  }

  /**
   * Streams the approved {@code columns} of {@code dataset} in load order as stored values (Long,
   * Double, Boolean, String or null), e.g. an id column for PSI; the same checks as every read.
   */
  public void readRows(String dataset, List<String> columns, DataStore.RowVisitor visitor) {
    check(dataset, columns);
    data.dataset(dataset).orElseThrow(() -> new DataException("dataset '" + dataset + "' does not exist"));
    data.scan(dataset, columns, visitor);
  }

  /** A bounded page of {@link #readRows}: at most {@code limit} rows after load position {@code afterRow}. */
  public DataStore.Page readPage(String dataset, List<String> columns, long afterRow, int limit) {
    check(dataset, columns);
    data.dataset(dataset).orElseThrow(() -> new DataException("dataset '" + dataset + "' does not exist"));
    return data.page(dataset, columns, afterRow, limit);
  }

  /** The approved {@code columns} of the rows whose {@code keyColumn} (approved too) is one of {@code keys}. */
  public java.util.Map<String, Object[]> lookup(String dataset, String keyColumn, List<String> columns,
      List<String> keys) {
    List<String> all = new ArrayList<>(columns);
    all.add(keyColumn);
    check(dataset, all);
    data.dataset(dataset).orElseThrow(() -> new DataException("dataset '" + dataset + "' does not exist"));
    return data.lookup(dataset, keyColumn, columns, keys);
  }

  private static void checkNumeric(Schema schema, List<String> columns) {
    for (String c : columns) {
      int i = schema.indexOf(c);
      if (i < 0) {
        throw new DataException("column '" + c + "' does not exist in this dataset (columns: " + schema.names() + ")");
      }
      Column col = schema.column(i);
      switch (col.type()) {
        case INT, FLOAT, BOOL -> {}
        default -> throw new DataException("column '" + c + "' is a " + col.type().label()
            + " column; only int, float and bool columns can be read as numbers (encode it first)");
      }
    }
  }
}
