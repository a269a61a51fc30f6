package io.fedge.hub.db;

/** A database failure the caller cannot fix by asking differently: I/O, a broken connection, bad SQL. */
public class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }

  public DatabaseException(String message) {
    super(message);
  }
}
