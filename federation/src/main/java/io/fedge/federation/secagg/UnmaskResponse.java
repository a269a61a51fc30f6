package io.fedge.federation.secagg;

/**
 * Round 3, client to server: the client's shares of the self-mask seeds b_v of the survivors
 * ({@code selfMaskOwners[i]} owns {@code selfMaskShares[i]}) and of the masking private keys s_v
 * of the dropouts ({@code keyOwners[i]} owns {@code keyShares[i]}). No client appears in both
 * lists. Each share's Shamir index is {@code clientId}.
 */
public record UnmaskResponse(
    long roundId,
    int clientId,
    int[] selfMaskOwners,
    byte[][] selfMaskShares,
    int[] keyOwners,
    byte[][] keyShares) {
  public UnmaskResponse {
    if (selfMaskOwners.length != selfMaskShares.length || keyOwners.length != keyShares.length) {
      throw new SecAggException("unmask response from " + clientId + ": owners and shares differ in number");
    }
    selfMaskOwners = selfMaskOwners.clone();
    keyOwners = keyOwners.clone();
    selfMaskShares = deepCopy(selfMaskShares);
    keyShares = deepCopy(keyShares);
  }

  @Override
  public int[] selfMaskOwners() {
    return selfMaskOwners.clone();
  }

  @Override
  public byte[][] selfMaskShares() {
    return deepCopy(selfMaskShares);
  }

  @Override
  public int[] keyOwners() {
    return keyOwners.clone();
  }

  @Override
  public byte[][] keyShares() {
    return deepCopy(keyShares);
  }

  private static byte[][] deepCopy(byte[][] a) {
    byte[][] c = new byte[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
