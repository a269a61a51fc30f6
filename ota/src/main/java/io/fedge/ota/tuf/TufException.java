package io.fedge.ota.tuf;

/**
 * Metadata or a target was refused. {@link #reason()} names the attack class or fault, so callers
 * (and tests) can tell a rollback from a bad signature; the message says what to do.
 */
public final class TufException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why something was refused. */
  public enum Reason {
    /** Not JSON, unknown members, missing members, wrong role type. */
    MALFORMED,
    /** Fewer valid signatures from the role's keys than its threshold. */
    SIGNATURES,
    /** The metadata's expiry date has passed (freeze attack, or the operator forgot to re-sign). */
    EXPIRED,
    /** A version lower than one already trusted (rollback attack). */
    ROLLBACK,
    /** A version other than the one the referring metadata names (mix-and-match). */
    VERSION_MISMATCH,
    /** Content whose SHA-256 differs from the one the referring metadata names. */
    HASH_MISMATCH,
    /** More bytes than the referring metadata (or the size limit) allows (endless data). */
    LENGTH_EXCEEDED,
    /** Fewer bytes than stated. */
    LENGTH_SHORT,
    /** The repository does not have a file the workflow needs. */
    MISSING,
    /** No such target in the trusted targets metadata. */
    UNKNOWN_TARGET
  }

  private final Reason reason;

  public TufException(Reason reason, String message) {
    super(reason.name().toLowerCase(java.util.Locale.ROOT) + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
