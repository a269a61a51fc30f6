package io.fedge.hub.api;

import java.util.Locale;
import java.util.Optional;

/**
 * What a caller of {@code /api/v1} may do. Decided for every request in one place, {@link
 * AccessPolicy}; the console only hides what the role cannot do, it never decides.
 */
public enum Role {
  /** Everything, including console user management. The ops bearer token acts as an admin. */
  ADMIN,
  /** Everything except console user management. */
  OPERATOR,
  /** Read-only: GET and HEAD everywhere, nothing that changes state. */
  AUDITOR;

  /** The lower-case name used in JSON and in the database. */
  @com.fasterxml.jackson.annotation.JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    for (Role r : values()) {
      if (r.wire().equals(s)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
