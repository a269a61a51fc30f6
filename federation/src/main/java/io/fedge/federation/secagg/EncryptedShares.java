package io.fedge.federation.secagg;

/**
 * Round 1, client to server: the sealed shares of the client's self-mask seed b_u and masking
 * private key s_u, one per other client of U1. The server forwards each to its recipient.
 */
public record EncryptedShares(long roundId, int senderId, SealedShare[] shares) {
  public EncryptedShares {
    shares = shares.clone();
  }

  @Override
  public SealedShare[] shares() {
    return shares.clone();
  }
}
