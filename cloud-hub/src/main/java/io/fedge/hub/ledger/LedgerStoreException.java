package io.fedge.hub.ledger;

import java.sql.SQLException;

/** A database failure while reading or writing the ledger tables. */
public final class LedgerStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LedgerStoreException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
