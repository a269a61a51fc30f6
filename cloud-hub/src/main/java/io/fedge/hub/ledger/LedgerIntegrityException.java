package io.fedge.hub.ledger;

/**
 * The stored log is damaged (a leaf missing, a hash malformed): the hub cannot prove what it
 * holds. Ops must restore the database from a backup; `fedge ledger audit` shows where.
 */
public final class LedgerIntegrityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LedgerIntegrityException(String message) {
    super(message);
  }
}
