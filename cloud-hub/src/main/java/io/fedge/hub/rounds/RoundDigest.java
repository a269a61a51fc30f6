package io.fedge.hub.rounds;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The canonical record of one completed round attempt, for the ledger: who took part, a
 * commitment (SHA-256 of the signed, sealed upload) per participant, the hash of the new global
 * parameters, the round's metrics, contribution scores and anomaly flags (flagged updates were
 * excluded). Field order and names are fixed; maps are sorted by key.
 *
 * @param phase {@code scale} or {@code train}
 * @param participants devices whose update was aggregated, sorted
 * @param commitments device to lower-case hex SHA-256 of its upload, for every update received
 * @param aggregateSha256 SHA-256 of the new global parameters (big-endian IEEE 754 doubles)
 * @param metrics name to value (validation AUC, KS, accuracy, lift, log loss; train loss; epsilon)
 * @param contributions device to leave-one-out contribution (empty under secure aggregation)
 * @param anomalies device to reason it was excluded
 */
public record RoundDigest(
    String jobId,
    int round,
    int attempt,
    String phase,
    List<String> participants,
    Map<String, String> commitments,
    String aggregateSha256,
    Map<String, Double> metrics,
    Map<String, Double> contributions,
    Map<String, String> anomalies,
    Instant completedAt) {
  public RoundDigest {
    participants = participants.stream().sorted().toList();
    commitments = new java.util.TreeMap<>(commitments);
    metrics = new java.util.TreeMap<>(metrics);
    contributions = new java.util.TreeMap<>(contributions);
    anomalies = new java.util.TreeMap<>(anomalies);
  }
}
