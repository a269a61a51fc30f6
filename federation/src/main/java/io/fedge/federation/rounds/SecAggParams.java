package io.fedge.federation.rounds;

import io.fedge.federation.secagg.FixedPoint;
import io.fedge.federation.secagg.SecAggConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * Secure-aggregation parameters of one round attempt, sent in the invitation.
 *
 * @param secAggRoundId the id bound into every secagg key and ciphertext (unique per attempt)
 * @param clientIds device id to secagg client id (1..n)
 * @param threshold t: shares needed to unmask; the round survives up to n - t dropouts
 * @param vectorLength d: the model's parameter count plus one (the sample count travels last)
 */
public record SecAggParams(
    long secAggRoundId,
    Map<String, Integer> clientIds,
    int threshold,
    int vectorLength,
    int ringBits,
    int fractionalBits,
    double clipBound) {
  public SecAggParams {
    clientIds = new TreeMap<>(clientIds);
  }

  public SecAggConfig config() {
    return new SecAggConfig(
        secAggRoundId, clientIds.size(), threshold, vectorLength, new FixedPoint(ringBits, fractionalBits, clipBound));
  }

  /** The device with secagg client id {@code id}, or null. */
  public String deviceOf(int id) {
    for (Map.Entry<String, Integer> e : clientIds.entrySet()) {
      if (e.getValue() == id) {
        return e.getKey();
      }
    }
    return null;
  }
}
