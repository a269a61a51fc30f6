package io.fedge.federation.psi;

/**
 * A PSI run cannot go on: the input or a peer's message is invalid, or the peers disagree on the
 * protocol. {@link #code()} is a stable machine-readable reason; the message says what happened and
 * what to do, and never contains an id or a secret.
 */
public final class PsiException extends RuntimeException {
  /** Stable reasons, also carried in {@link PsiMessages.Abort}. */
  public enum Code {
    EMPTY_SET,
    SET_TOO_LARGE,
    DUPLICATE_ID,
    INVALID_ID,
    MALFORMED_POINT,
    PROTOCOL_MISMATCH,
    UNEXPECTED_MESSAGE,
    PEER_ABORTED,
    FILTER_INVALID,
    QUOTA_EXCEEDED
  }

  private final Code code;

  public PsiException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
