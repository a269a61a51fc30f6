package io.fedge.agent.dashboard.backend;

import java.time.Instant;
import java.util.List;

/**
 * A decision as recorded: what was decided for which columns, by whom, when and on what basis.
 *
 * @param basis "dealer" for a decision on the dashboard, or the name of the standing policy
 * @param reason the dealer's reason for a refusal, null for an approval
 */
public record ConsentDecisionRecord(
    String jobId,
    String title,
    boolean approved,
    List<ConsentRequest.DatasetColumns> reads,
    String decidedBy,
    Instant decidedAt,
    String basis,
    String reason) {
  public ConsentDecisionRecord {
    reads = List.copyOf(reads);
  }
}
