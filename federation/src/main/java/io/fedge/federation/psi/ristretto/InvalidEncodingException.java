package io.fedge.federation.psi.ristretto;

/** A byte string is not the canonical encoding of a ristretto255 element (RFC 9496 section 4.3.1). */
public final class InvalidEncodingException extends IllegalArgumentException {
  public InvalidEncodingException(String message) {
    super(message);
  }
}
