package io.fedge.federation.secagg;

/**
 * End of round 1, server to one client of U2: the sealed shares addressed to it by every other
 * client of U2 (the clients whose {@link EncryptedShares} arrived). The senders define U2 for the
 * recipient, and so the peers it masks against.
 */
public record ShareDelivery(long roundId, int recipientId, SealedShare[] shares) {
  public ShareDelivery {
    shares = shares.clone();
  }

  @Override
  public SealedShare[] shares() {
    return shares.clone();
  }
}
