package io.fedge.federation.vertical;

/** A vertical job cannot go on: bad input, a protocol violation, or misaligned parties. */
public final class VerticalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VerticalException(String message) {
    super(message);
  }
}
