package io.fedge.agent.data;

/** A problem with data or its source that an operator can act on; the message says what and what to do. */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
