package io.fedge.hub.api;

import java.util.Optional;

/** Turns a console session cookie into the user behind it (if the session is live). */
@FunctionalInterface
public interface SessionResolver {
  /** Name of the console's session cookie. */
  String COOKIE = "fedge_console";
  /** Header carrying the session's CSRF token on state-changing requests. */
  String CSRF_HEADER = "X-CSRF-Token";

  Optional<Principal> resolve(String sessionId);
}
