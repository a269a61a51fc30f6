package io.fedge.federation.wire;

import java.util.List;

/**
 * A dataset and the columns of it that a federated job reads: the unit of the dealer's consent.
 *
 * @param dataset the dataset's name in the agent's catalog
 * @param columns the column names, each at most once
 */
public record DatasetColumns(String dataset, List<String> columns) {
  public DatasetColumns {
    columns = columns == null ? List.of() : List.copyOf(columns);
  }

  /** Whether {@code approved} covers every read: the same dataset with at least its columns. */
  public static boolean covers(List<DatasetColumns> approved, List<DatasetColumns> reads) {
    for (DatasetColumns r : reads) {
      if (approved.stream().noneMatch(a -> a.dataset().equals(r.dataset()) && a.columns().containsAll(r.columns()))) {
        return false;
      }
    }
    return true;
  }
}
