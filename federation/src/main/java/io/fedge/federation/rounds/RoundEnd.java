package io.fedge.federation.rounds;

/**
 * Hub to device ({@code round-end}): the attempt is over. {@code status} is {@code DONE} or {@code
 * FAILED}; a failed attempt may be followed by a new invitation for the next attempt.
 *
 * @param aggregateSha256 SHA-256 of the new global parameters (DONE only)
 * @param trainLoss sample-weighted mean of the participants' local losses (DONE only)
 * @param globalTransfer id of the transfer ({@code g.<job>.<round>.<attempt>}) whose {@code
 *     round-chunk} messages carry the new global parameters (DONE training rounds only), so each
 *     participant can evaluate the model on its own rows; optional on the wire: null otherwise and
 *     from a hub that does not send it
 */
public record RoundEnd(
    String jobId, int round, int attempt, String status, String reason, String aggregateSha256, double trainLoss,
    String globalTransfer) {
  public static final String DONE = "DONE";
  public static final String FAILED = "FAILED";
}
