package io.fedge.federation.wire;

import java.time.Instant;
import java.util.List;

/**
 * Body of a {@link Kinds#CONSENT} (device -> hub): the dealer's answer to a {@link JobOffer}.
 *
 * @param jobId the job answered
 * @param approved true to take part, false to refuse
 * @param reads the datasets and columns approved (empty when refused); the agent enforces this list
 * @param decidedBy the dashboard user who decided, or the policy's name
 * @param decidedAt when (UTC)
 * @param basis {@code dealer} for a decision taken on the dashboard, {@code policy:<name>} for a
 *     standing policy; a refusal may add {@code : reason}
 */
public record ConsentDecision(
    String jobId, boolean approved, List<DatasetColumns> reads, String decidedBy, Instant decidedAt, String basis) {
  public ConsentDecision {
    reads = reads == null ? List.of() : List.copyOf(reads);
  }
}
