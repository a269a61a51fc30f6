package io.fedge.federation.wire;

/** A message that cannot be accepted as sent. The reason is safe to send back to the peer. */
public final class WireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    MALFORMED,
    TOO_LARGE,
    UNSUPPORTED_VERSION,
    INVALID_FIELD
  }

  private final Reason reason;

  public WireException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public WireException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
