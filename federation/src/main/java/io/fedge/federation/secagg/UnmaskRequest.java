package io.fedge.federation.secagg;

/**
 * Round 3, server to every client of U3: {@code survivors} is U3, the clients whose masked input
 * arrived; {@code dropouts} is U2 \ U3, the clients that received shares but sent no masked input.
 */
public record UnmaskRequest(long roundId, int[] survivors, int[] dropouts) {
  public UnmaskRequest {
    survivors = survivors.clone();
    dropouts = dropouts.clone();
  }

  @Override
  public int[] survivors() {
    return survivors.clone();
  }

  @Override
  public int[] dropouts() {
    return dropouts.clone();
  }
}
