package io.fedge.agent.data;

import java.time.Instant;

/**
 * Where one ingest stands: a drop file, or a JDBC / OPC UA source. {@code percent} is -1 when the
 * size is not known (sources); {@code rowsPerSecond} counts loaded and quarantined rows since
 * {@code startedAt}. {@code message} says why a unit failed or was skipped (never row contents).
 */
public record IngestProgress(
    String id,
    String kind,
    String dataset,
    String unit,
    State state,
    long bytesDone,
    long bytesTotal,
    long rowsLoaded,
    long rowsQuarantined,
    double rowsPerSecond,
    double percent,
    String message,
    Instant startedAt,
    Instant updatedAt) {

  public enum State {
    RUNNING,
    DONE,
    DUPLICATE,
    FAILED,
    WAITING
  }

  public static double rate(long rows, Instant started, Instant now) {
    long ms = Math.max(1, now.toEpochMilli() - started.toEpochMilli());
    return rows * 1000.0 / ms;
  }

  public static double percent(long done, long total) {
    return total <= 0 ? -1 : Math.min(100.0, done * 100.0 / total);
  }
}
