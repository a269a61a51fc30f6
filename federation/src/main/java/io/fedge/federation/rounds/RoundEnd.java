package io.fedge.federation.rounds;

/**
 * Hub to device ({@code round-end}): the attempt is over. {@code status} is {@code DONE} or {@code
 * FAILED}; a failed attempt may be followed by a new invitation for the next attempt.
 *
 * @param aggregateSha256 SHA-256 of the new global parameters (DONE only)
 * @param trainLoss sample-weighted mean of the participants' local losses (DONE only)
 */
public record RoundEnd(
    String jobId, int round, int attempt, String status, String reason, String aggregateSha256, double trainLoss) {}
