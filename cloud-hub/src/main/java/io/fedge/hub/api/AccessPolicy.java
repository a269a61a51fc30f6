package io.fedge.hub.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The role matrix of {@code /api/v1}, in one plain class (see docs/console.md):
 *
 * <ul>
 *   <li>{@code POST /api/v1/session} (log in) is open to everyone;
 *   <li>{@code /api/v1/session/**} (who am I, log out, change own password) to every signed-in user;
 *   <li>auditor: GET and HEAD everywhere else;
 *   <li>operator: every method, except on {@code /api/v1/users/**};
 *   <li>admin (and the ops bearer token): everything.
 * </ul>
 *
 * A session must also send its CSRF token on every method other than GET/HEAD/OPTIONS, and a user
 * still on a one-time password may only reach the session routes until they change it.
 */
public final class AccessPolicy {
  public static final String SESSION_PATH = "/api/v1/session";
  public static final String USERS_PATH = "/api/v1/users";

  /** The answer for one request: allowed, or an error the client can act on. */
  public sealed interface Decision {}

  public record Allow() implements Decision {}

  public record Deny(ApiError error) implements Decision {}

  private AccessPolicy() {}

  /** True for the one route reachable without credentials (logging in). */
  public static boolean isPublic(String method, String path) {
    return "POST".equals(method) && SESSION_PATH.equals(normalize(path));
  }

  public static Decision decide(Principal who, String method, String path, String presentedCsrf) {
    String p = normalize(path);
    if (isPublic(method, p)) {
      return new Allow();
    }
    if (who == null) {
      return new Deny(new ApiError(401, "unauthorized",
          "log in to the console, or send the ops token as 'Authorization: Bearer <token>'"));
    }
    boolean safe = "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    if (who.viaSession() && !safe && !csrfMatches(who.csrfToken(), presentedCsrf)) {
      return new Deny(new ApiError(403, "csrf_token_invalid",
          "send the session's CSRF token in the " + SessionResolver.CSRF_HEADER + " header; reload the console to get it"));
    }
    boolean sessionRoute = under(p, SESSION_PATH);
    if (sessionRoute) {
      return new Allow();
    }
    if (who.mustChangePassword()) {
      return new Deny(new ApiError(403, "password_change_required",
          "you are signed in with a one-time password: choose your own password first (POST /api/v1/session/password)"));
    }
    return switch (who.role()) {
      case ADMIN -> new Allow();
      case OPERATOR -> under(p, USERS_PATH)
          ? new Deny(new ApiError(403, "forbidden", "managing console users needs the admin role"))
          : new Allow();
      case AUDITOR -> safe
          ? new Allow()
          : new Deny(new ApiError(403, "forbidden", "the auditor role is read-only; ask an operator or admin"));
    };
  }

  static boolean csrfMatches(String expected, String presented) {
    return expected != null && presented != null
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /** Collapses repeated and trailing slashes so "/api/v1//users/" cannot slip past a prefix check. */
  static String normalize(String path) {
    if (path == null) {
      return "";
    }
    String p = path.replaceAll("/{2,}", "/");
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
