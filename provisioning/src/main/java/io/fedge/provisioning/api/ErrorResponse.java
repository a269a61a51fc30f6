package io.fedge.provisioning.api;

import io.fedge.provisioning.EnrollmentException;

/**
 * Body of every non-2xx enrollment answer.
 *
 * @param error machine-readable code, e.g. {@code token_used}
 * @param message what happened and what to do next; never contains secrets
 */
public record ErrorResponse(String error, String message) {
  public static ErrorResponse of(EnrollmentException e) {
    return new ErrorResponse(e.code(), e.getMessage());
  }
}
