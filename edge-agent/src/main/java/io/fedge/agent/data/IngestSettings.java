package io.fedge.agent.data;

import java.time.Duration;

/**
 * Limits and pacing of drop-folder ingestion.
 *
 * @param batchRows rows (loaded plus quarantined) per transaction; also the resume granularity
 * @param sampleRows rows of a dataset's first file used to infer its schema
 * @param settle a file is taken once it has not been modified for this long (writers still busy)
 * @param maxFieldBytes longest CSV field kept; longer ones quarantine their row
 * @param maxRecordBytes longest CSV record or JSONL line kept; longer ones are quarantined
 */
public record IngestSettings(int batchRows, int sampleRows, Duration settle, int maxFieldBytes, int maxRecordBytes) {
  public static IngestSettings defaults() {
    return new IngestSettings(10_000, 1000, Duration.ofSeconds(2), 1 << 20, 4 << 20);
  }

  public IngestSettings {
    if (batchRows < 1 || sampleRows < 1 || maxFieldBytes < 16 || maxRecordBytes < maxFieldBytes) {
      throw new IllegalArgumentException("invalid ingest settings");
    }
  }

  public IngestSettings withBatchRows(int n) {
    return new IngestSettings(n, sampleRows, settle, maxFieldBytes, maxRecordBytes);
  }

  public IngestSettings withSettle(Duration d) {
    return new IngestSettings(batchRows, sampleRows, d, maxFieldBytes, maxRecordBytes);
  }

  public IngestSettings withLimits(int field, int record) {
    return new IngestSettings(batchRows, sampleRows, settle, field, record);
  }
}
