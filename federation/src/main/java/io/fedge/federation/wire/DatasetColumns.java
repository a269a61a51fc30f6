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
}
