package io.fedge.federation.secagg;

/**
 * Round 0, client to server (and relayed to all clients in a {@link KeyDirectory}): the client's
 * two X25519 public keys, c for encrypting shares and s for agreeing on pairwise masks.
 */
public record AdvertiseKeys(
    long roundId, int clientId, byte[] encryptionPublicKey, byte[] maskingPublicKey) {
  public AdvertiseKeys {
    encryptionPublicKey = KeyAgreement.checkLength("encryption public key", encryptionPublicKey).clone();
    maskingPublicKey = KeyAgreement.checkLength("masking public key", maskingPublicKey).clone();
  }

  @Override
  public byte[] encryptionPublicKey() {
    return encryptionPublicKey.clone();
  }

  @Override
  public byte[] maskingPublicKey() {
    return maskingPublicKey.clone();
  }
}
