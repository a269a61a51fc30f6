package io.fedge.agent.dashboard.backend;

import java.time.Instant;
import java.util.List;

/**
 * A page of quarantined rows.
 *
 * @param total all quarantined rows of the dataset (for the pager)
 */
public record QuarantinePage(long total, long offset, List<QuarantinedRow> rows) {
  public QuarantinePage {
    rows = List.copyOf(rows);
  }

  /**
   * A row that was not loaded, and why.
   *
   * @param raw the row as it was read (text; bytes that were not UTF-8 shown as U+FFFD)
   */
  public record QuarantinedRow(String file, long line, String reason, String raw, Instant at) {}
}
