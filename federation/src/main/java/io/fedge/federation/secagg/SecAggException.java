package io.fedge.federation.secagg;

/**
 * A secure-aggregation round cannot continue as asked: a message failed validation, a party is in
 * the wrong state, too few parties remain, or a configuration is unsafe. The message says which.
 */
public final class SecAggException extends RuntimeException {
  public SecAggException(String message) {
    super(message);
  }

  public SecAggException(String message, Throwable cause) {
    super(message, cause);
  }
}
