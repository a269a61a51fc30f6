package io.fedge.agent.dashboard.backend;

import java.time.Instant;
import java.util.List;

/** A federated job waiting for the dealer: who asks, why, and exactly which columns it reads. */
public record ConsentRequest(
    String jobId, String title, String requester, String purpose, List<DatasetColumns> reads, Instant receivedAt, Instant expiresAt) {
  public ConsentRequest {
    reads = List.copyOf(reads);
  }

  /** The columns of one dataset a job reads. */
  public record DatasetColumns(String dataset, List<String> columns) {
    public DatasetColumns {
      columns = List.copyOf(columns);
    }
  }
}
