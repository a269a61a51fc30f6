package io.fedge.agent.consent;

/** A job tried to read what its consent does not cover, or a decision was not possible; the message says which. */
public class ConsentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConsentException(String message) {
    super(message);
  }
}
