package io.fedge.federation.ledger;

/** A Merkle proof that does not prove what it claims. The reason says which check failed. */
public final class ProofException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** A tree size, leaf index or size pair that no proof can be valid for. */
    BAD_SIZE,
    /** A hash that is not 32 bytes, or a missing argument. */
    MALFORMED,
    /** The proof has a different number of hashes than the sizes require. */
    WRONG_LENGTH,
    /** The proof does not lead to the claimed (new) root. */
    ROOT_MISMATCH,
    /** The consistency proof does not lead to the claimed old root. */
    OLD_ROOT_MISMATCH
  }

  private final Reason reason;

  public ProofException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
