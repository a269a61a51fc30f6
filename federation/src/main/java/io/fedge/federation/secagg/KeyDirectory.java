package io.fedge.federation.secagg;

/**
 * End of round 0, server to every client in U1: the public keys of all clients that advertised
 * keys (the set U1), in any order.
 */
public record KeyDirectory(long roundId, AdvertiseKeys[] clients) {
  public KeyDirectory {
    clients = clients.clone();
  }

  @Override
  public AdvertiseKeys[] clients() {
    return clients.clone();
  }
}
