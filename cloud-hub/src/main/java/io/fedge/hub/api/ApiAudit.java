package io.fedge.hub.api;

import io.fedge.provisioning.store.AuditEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which {@code /api/v1} requests the gate writes to the audit log, so that every state-changing
 * action by ops or a console user is recorded with its actor, whatever feature serves it: every
 * request with a method other than GET/HEAD/OPTIONS, as {@code api.<method>} with the path as
 * subject, allowed (status below 400) or refused (reason: the status). Routes whose domain service
 * writes its own, richer audit events (sessions, users, revoke, claim tokens) are left to it unless
 * the gate itself refused them. Anonymous refusals (401) are not written: nobody to name, and a
 * flood of them would drown the log (failed logins are audited by the console itself).
 */
public final class ApiAudit {
  private static final List<String> SELF_AUDITED_PREFIXES =
      List.of(AccessPolicy.SESSION_PATH, AccessPolicy.USERS_PATH, "/api/v1/claim-tokens");

  private ApiAudit() {}

  static boolean changesState(String method) {
    return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
  }

  static boolean selfAudited(String path) {
    String p = AccessPolicy.normalize(path);
    if (p.startsWith("/api/v1/devices/") && p.endsWith("/revoke")) {
      return true;
    }
    return SELF_AUDITED_PREFIXES.stream().anyMatch(x -> p.equals(x) || p.startsWith(x + "/"));
  }

  /** The event for a request the gate refused ({@code who} known, status 403). */
  public static Optional<AuditEvent> refusedByGate(Principal who, String method, String path, ApiError error, String source,
      Instant at) {
    if (who == null || !changesState(method)) {
      return Optional.empty();
    }
    return Optional.of(AuditEvent.refused(at, who.actor(), action(method), AccessPolicy.normalize(path), error.code(), source));
  }

  /** The event for a request a route answered, if the gate is the one to record it. */
  public static Optional<AuditEvent> answered(Principal who, String method, String path, int status, String source, Instant at) {
    if (who == null || !changesState(method) || selfAudited(path)) {
      return Optional.empty();
    }
    String subject = AccessPolicy.normalize(path);
    return Optional.of(status < 400
        ? AuditEvent.allowed(at, who.actor(), action(method), subject, source)
        : AuditEvent.refused(at, who.actor(), action(method), subject, "http_" + status, source));
  }

  private static String action(String method) {
    return "api." + method.toLowerCase(java.util.Locale.ROOT);
  }
}
