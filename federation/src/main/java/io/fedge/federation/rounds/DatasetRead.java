package io.fedge.federation.rounds;

import java.util.List;

/** A dataset and the columns of it a job reads: exactly what a site's consent covers. */
public record DatasetRead(String dataset, List<String> columns) {
  public DatasetRead {
    columns = List.copyOf(columns);
  }
}
