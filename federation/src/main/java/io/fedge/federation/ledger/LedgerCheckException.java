package io.fedge.federation.ledger;

/** A receipt, checkpoint or log that fails verification; the message says which check and why. */
public final class LedgerCheckException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of check failed. */
  public enum Kind {
    /** The checkpoint's signature does not verify with the pinned key, or it is not a checkpoint. */
    SIGNATURE,
    /** The entry bytes are not a canonical entry, or do not name what they should. */
    ENTRY,
    /** The inclusion proof does not lead to the checkpoint's root. */
    INCLUSION,
    /** Two checkpoints are not consistent: the log was rewritten, truncated or forked. */
    CONSISTENCY
  }

  private final Kind kind;

  public LedgerCheckException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public LedgerCheckException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
