package io.fedge.agent.data;

/** The local data store failed (disk full, I/O error, corrupt file): a condition to retry or repair, not bad data. */
public class DataStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
