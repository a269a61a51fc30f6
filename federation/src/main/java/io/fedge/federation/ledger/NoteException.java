package io.fedge.federation.ledger;

/** A signed note or checkpoint that cannot be accepted. The reason says why. */
public final class NoteException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** Not a well-formed note, checkpoint, key or signature line. */
    MALFORMED,
    /** No signature from any of the trusted keys. */
    UNKNOWN_KEY,
    /** A signature from a trusted key that does not verify. */
    BAD_SIGNATURE
  }

  private final Reason reason;

  public NoteException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public NoteException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
