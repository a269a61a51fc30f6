package io.fedge.hub.rounds;

import java.time.Instant;

/** Rows of the round store (see V3__federated_rounds). */
public final class RoundRecords {
  private RoundRecords() {}

  /** Job states. */
  public enum JobState {
    CONSENT,
    RUNNING,
    DONE,
    FAILED,
    CANCELLED;

    public boolean terminal() {
      return this == DONE || this == FAILED || this == CANCELLED;
    }
  }

  /** Round attempt states, in order; DONE and FAILED are terminal. */
  public enum RoundState {
    INVITING,
    ADVERTISING,
    SHARING,
    COLLECTING,
    UNMASKING,
    AGGREGATING,
    DONE,
    FAILED;

    public boolean terminal() {
      return this == DONE || this == FAILED;
    }
  }

  public record JobRow(
      String jobId,
      String document,
      JobState state,
      String reason,
      Instant createdAt,
      Instant updatedAt,
      Instant consentUntil,
      int nextRound,
      byte[] globalParams,
      String scalerJson,
      String modelId) {}

  public record ParticipantRow(String deviceId, String consent, String reason, String decidedBy, Instant decidedAt) {}

  public record RoundRow(
      String jobId,
      int round,
      int attempt,
      String phase,
      RoundState state,
      Instant startedAt,
      Instant deadline,
      Instant endedAt,
      String reason,
      byte[] roundKey,
      String inviteJson,
      String aggregateSha256,
      String digestJson) {}

  public record UpdateRow(
      String deviceId, Instant receivedAt, String commitment, String status, String reason, byte[] payload) {}

  public record ModelRow(
      String modelId,
      String jobId,
      int version,
      int round,
      String sha256,
      String specJson,
      String metricsJson,
      String participantsJson,
      Instant createdAt,
      byte[] parameters) {}
}
