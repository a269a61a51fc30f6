package io.fedge.hub.api;

/**
 * Who is calling {@code /api/v1}: the ops bearer token (an admin with actor {@link OpsAuth#OPS_ACTOR})
 * or a console user's session. {@code actor} is what audit events record.
 *
 * @param csrfToken the session's CSRF token; null for the bearer token (no cookie, no CSRF risk)
 * @param mustChangePassword a console user still on a one-time password may only change it
 */
public record Principal(String actor, Role role, String csrfToken, boolean mustChangePassword) {

  public static Principal opsToken() {
    return new Principal(OpsAuth.OPS_ACTOR, Role.ADMIN, null, false);
  }

  public boolean viaSession() {
    return csrfToken != null;
  }
}
