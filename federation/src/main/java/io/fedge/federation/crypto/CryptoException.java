package io.fedge.federation.crypto;

/** A sealed envelope could not be made, or was refused: bad signature, wrong key, damage. */
public final class CryptoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CryptoException(String message) {
    super(message);
  }

  public CryptoException(String message, Throwable cause) {
    super(message, cause);
  }
}
