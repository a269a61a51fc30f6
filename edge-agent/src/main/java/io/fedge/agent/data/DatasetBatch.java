package io.fedge.agent.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Rows and quarantined rows of a continuous source (JDBC, OPC UA), committed with the source's new
 * resume point in one transaction by {@link #commit}. The dataset is created on the first commit
 * with this batch's schema; a dataset that exists with another schema is refused. With a unique
 * key, rows whose key is already stored are skipped ({@code INSERT OR IGNORE}), which makes
 * re-delivered samples harmless. The content hash is extended with the SHA-256 of the rows
 * actually inserted (each value as its type and canonical text, length-prefixed).
 */
public final class DatasetBatch {
  private record Row(Object[] values, String origin, long line) {}

  private record Bad(String origin, long line, String reason, String raw) {}

  private final String dataset;
  private final String source;
  private final Schema schema;
  private final List<String> uniqueKey;
  private final List<Row> rows = new ArrayList<>();
  private final List<Bad> bad = new ArrayList<>();

  public DatasetBatch(String dataset, String source, Schema schema, List<String> uniqueKey) {
    this.dataset = DatasetNames.check(dataset);
    this.source = source;
    this.schema = schema;
    this.uniqueKey = List.copyOf(uniqueKey);
  }

  /** Adds a row of stored values ({@link ColumnType#parse} results or null), in schema order. */
  public void add(Object[] values, String origin, long line) {
    if (values.length != schema.size()) {
      throw new IllegalArgumentException("row has " + values.length + " values, dataset " + schema.size());
    }
    rows.add(new Row(values, origin, line));
  }

  public void quarantine(String origin, long line, String reason, String raw) {
    bad.add(new Bad(origin, line, reason, raw.length() <= 2000 ? raw : raw.substring(0, 2000) + "..."));
  }

  public int size() {
    return rows.size() + bad.size();
  }

  /** Result of a commit: rows inserted (duplicates by unique key excluded) and rows quarantined. */
  public record Committed(long inserted, long quarantined) {}

  /**
   * Commits everything added, the catalog counts and {@code state} as the new state of {@code
   * sourceName}, atomically; then empties the batch.
   */
  public Committed commit(DataStore store, String sourceName, String state, Instant now) {
    Committed c = store.write(conn -> {
      var existing = DataStore.dataset(conn, dataset);
      if (existing.isEmpty()) {
        DataStore.createDataset(conn, dataset, source, schema, uniqueKey, now);
      } else if (!existing.get().schema().equals(schema)) {
        throw new DataException("dataset '" + dataset + "' has columns " + existing.get().schema() + " but source '"
            + sourceName + "' now yields " + schema + "; give the source another dataset name or restore its columns");
      }
      long inserted = 0;
      MessageDigest md = HashChain.sha256();
      if (!rows.isEmpty()) {
        try (PreparedStatement ps = DataStore.insertRows(conn, dataset, schema, !uniqueKey.isEmpty())) {
          for (Row r : rows) {
            DataStore.addRow(ps, r.values(), r.origin(), r.line());
          }
          int[] counts = ps.executeBatch();
          for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
              inserted++;
              digest(md, rows.get(i).values());
            }
          }
        }
      }
      for (Bad b : bad) {
        DataStore.quarantine(conn, dataset, b.origin(), b.line(), b.reason(), b.raw(), now);
      }
      String unit = inserted > 0 ? HexFormat.of().formatHex(md.digest()) : null;
      DataStore.addToCatalog(conn, dataset, inserted, bad.size(), unit, now);
      DataStore.putSourceState(conn, sourceName, state, now);
      return new Committed(inserted, bad.size());
    });
    rows.clear();
    bad.clear();
    return c;
  }

  private void digest(MessageDigest md, Object[] values) {
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      String text = v == null ? "" : v.toString();
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      md.update((byte) (v == null ? 0 : 1 + schema.column(i).type().ordinal()));
      md.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
      md.update(b);
    }
  }
}
