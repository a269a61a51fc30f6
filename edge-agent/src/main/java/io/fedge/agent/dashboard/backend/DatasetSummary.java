package io.fedge.agent.dashboard.backend;

import java.time.Instant;
import java.util.List;

/**
 * One dataset of the local catalog as the dealer sees it.
 *
 * @param contentHash hex SHA-256 over the loaded files, as the catalog defines it
 * @param lastUpdate null until the first row is loaded
 * @param ingest the running ingest, or null when idle
 */
public record DatasetSummary(
    String name,
    List<Column> schema,
    long rowCount,
    String contentHash,
    Instant lastUpdate,
    long quarantineCount,
    IngestProgress ingest) {

  public DatasetSummary {
    schema = List.copyOf(schema);
  }

  /** A column and its type name (int, float, string, bool, date, timestamp). */
  public record Column(String name, String type) {}

  /**
   * A file or pull being loaded.
   *
   * @param totalBytes -1 when the size is not known (JDBC, OPC UA)
   */
  public record IngestProgress(String source, long rowsDone, long bytesDone, long totalBytes, double rowsPerSecond) {
    /** 0..100, or -1 when the size is not known. */
    public double percent() {
      return totalBytes <= 0 ? -1 : Math.min(100.0, 100.0 * bytesDone / totalBytes);
    }
  }
}
