package io.fedge.agent.dashboard.backend;

import java.util.List;

/** Rows of a dataset: column names and one list of cell values (as text) per row. */
public record RowPage(List<String> columns, List<List<String>> rows) {
  public RowPage {
    columns = List.copyOf(columns);
    rows = rows.stream().map(List::copyOf).toList();
  }
}
