package io.fedge.federation.secagg;

/**
 * One AES-256-GCM ciphertext of the share pair that client {@code senderId} made for client
 * {@code recipientId}; only the recipient can open it.
 */
public record SealedShare(int senderId, int recipientId, byte[] ciphertext) {
  public SealedShare {
    ciphertext = ciphertext.clone();
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }
}
