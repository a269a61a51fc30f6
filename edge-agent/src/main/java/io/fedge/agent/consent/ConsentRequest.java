package io.fedge.agent.consent;

import io.fedge.federation.wire.DatasetColumns;
import java.time.Instant;
import java.util.List;

/**
 * A job's request to read local data, and what became of it.
 *
 * @param reads what the job asked to read (exactly as offered)
 * @param status PENDING until decided; APPROVED, REFUSED, EXPIRED (not decided before {@code
 *     expiresAt}) or REVOKED (approved, later withdrawn by the dealer)
 * @param decidedBy the dashboard user or {@code policy:<name>}; null while pending
 * @param basis {@code dealer}, {@code policy:<name>} or {@code expired}
 * @param reason the dealer's reason for a refusal or revocation, else null
 */
public record ConsentRequest(
    String jobId,
    String title,
    String requester,
    String purpose,
    List<DatasetColumns> reads,
    Instant expiresAt,
    Instant receivedAt,
    Status status,
    String decidedBy,
    Instant decidedAt,
    String basis,
    String reason) {

  public enum Status {
    PENDING,
    APPROVED,
    REFUSED,
    EXPIRED,
    REVOKED
  }
}
