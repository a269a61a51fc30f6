package io.fedge.agent.mqtt;

/** A storage failure of the {@link Outbox} (the SQLite file could not be read or written). */
public final class OutboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OutboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
