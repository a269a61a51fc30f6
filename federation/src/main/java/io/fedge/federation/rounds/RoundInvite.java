package io.fedge.federation.rounds;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * Hub to device ({@code round-invite}): take part in attempt {@code attempt} of round {@code
 * round} of job {@code jobId}. The global model's parameters follow as {@code round-chunk}
 * messages of transfer {@code paramsTransfer} (absent for the scaling phase).
 *
 * @param phase {@code scale} (send column statistics) or {@code train} (train and send an update)
 * @param roundPublicKey X25519 key the update must be sealed to (HPKE)
 * @param deadline when the hub stops waiting for updates
 * @param participants every device invited to this attempt
 * @param reads datasets and columns the job reads (what consent was given for)
 * @param label the label column
 * @param model the model specification (see docs/jobs.md)
 * @param hyper hyper-parameters of local training
 * @param strategy {@code fedavg} or {@code fedprox}
 * @param scalerMean per-feature mean for standardisation (null: none)
 * @param scalerStd per-feature standard deviation (null: none)
 * @param secagg secure-aggregation parameters, null when the round is not securely aggregated
 * @param dp differential-privacy settings for the client (clip norm, noise multiplier), or null
 * @param plannedRounds the job's planned number of training rounds (rounds 1..plannedRounds follow
 *     the scaling round 0), for progress displays; optional on the wire: null from a hub that does
 *     not send it
 */
public record RoundInvite(
    String jobId,
    int round,
    int attempt,
    String phase,
    byte[] roundPublicKey,
    Instant deadline,
    List<String> participants,
    List<DatasetRead> reads,
    String label,
    JsonNode model,
    JsonNode hyper,
    String strategy,
    String paramsTransfer,
    int parameterCount,
    double[] scalerMean,
    double[] scalerStd,
    SecAggParams secagg,
    JsonNode dp,
    Integer plannedRounds) {
  public static final String SCALE = "scale";
  public static final String TRAIN = "train";

  /** Whether the client adds differential-privacy noise ({@code dp} present and not JSON null). */
  public boolean dpEnabled() {
    return dp != null && dp.isObject();
  }

  public boolean secure() {
    return secagg != null;
  }

  /** The transfer id of a device's sealed update for this attempt. */
  public String updateTransfer(String deviceId) {
    return RoundIds.updateTransfer(jobId, round, attempt, deviceId);
  }
}
