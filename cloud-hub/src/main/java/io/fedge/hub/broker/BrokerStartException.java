package io.fedge.hub.broker;

/** The embedded broker could not start; the message says why and the cause has the details. */
public final class BrokerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BrokerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
