package io.fedge.federation.secagg;

/**
 * Round 2, client to server: y_u = x_u + PRG(b_u) + sum_{v in U2, v &gt; u} PRG(s_uv) - sum_{v in
 * U2, v &lt; u} PRG(s_uv) mod R, one ring element per coordinate.
 */
public record MaskedInput(long roundId, int clientId, long[] maskedVector) {
  public MaskedInput {
    maskedVector = maskedVector.clone();
  }

  @Override
  public long[] maskedVector() {
    return maskedVector.clone();
  }

  /** Number of coordinates, without copying the vector. */
  int length() {
    return maskedVector.length;
  }

  /** Adds the masked vector into {@code acc} mod R without copying it. */
  void addTo(long[] acc, long ringMask) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] = (acc[i] + maskedVector[i]) & ringMask;
    }
  }

  /** Whether every element is below R. */
  boolean inRing(long ringMask) {
    long high = 0;
    for (long v : maskedVector) {
      high |= v & ~ringMask;
    }
    return high == 0;
  }
}
