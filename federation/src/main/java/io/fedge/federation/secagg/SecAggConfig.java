package io.fedge.federation.secagg;

/**
 * Parameters of one secure-aggregation round, known to the server and every client.
 *
 * @param roundId identifies the round; bound into every derived key and ciphertext
 * @param clientCount n, the number of clients invited; client ids are 1..n (at most 255, the
 *     Shamir field size)
 * @param threshold t, shares needed to reconstruct a secret (2..n). The round completes as long as
 *     at least t clients remain at every step; a server colluding with fewer than t clients learns
 *     nothing beyond the sum
 * @param vectorLength d, the number of coordinates of each input
 * @param fixedPoint the encoding of real inputs; must be able to sum n clipped inputs without
 *     overflow
 */
public record SecAggConfig(
    long roundId, int clientCount, int threshold, int vectorLength, FixedPoint fixedPoint) {
  public SecAggConfig {
    if (clientCount < 2 || clientCount > Shamir.MAX_SHARES) {
      throw new SecAggException("client count must be in 2..255, got " + clientCount);
    }
    if (threshold < 2 || threshold > clientCount) {
      throw new SecAggException(
          "threshold must be in 2.." + clientCount + " (client count), got " + threshold);
    }
    if (vectorLength < 1) {
      throw new SecAggException("vector length must be positive, got " + vectorLength);
    }
    if (fixedPoint == null) {
      throw new SecAggException("fixed-point parameters are required");
    }
    fixedPoint.requireCapacity(clientCount);
  }

  /** Throws unless {@code id} is a client id of this round, 1..n. */
  void requireClientId(String what, int id) {
    if (id < 1 || id > clientCount) {
      throw new SecAggException(what + " " + id + " is not a client id in 1.." + clientCount);
    }
  }

  void requireRound(String message, long otherRoundId) {
    if (otherRoundId != roundId) {
      throw new SecAggException(
          message + " belongs to round " + otherRoundId + ", this is round " + roundId);
    }
  }
}
