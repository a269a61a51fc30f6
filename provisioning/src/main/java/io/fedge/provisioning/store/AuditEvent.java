package io.fedge.provisioning.store;

import java.time.Instant;

/**
 * One decision, written to the audit table. Never holds key material or token secrets.
 *
 * @param at when it was decided
 * @param actor who asked: an operator name, a device id, or {@code anonymous} for an enrollment
 * @param action e.g. {@code enroll}, {@code renew}, {@code revoke}, {@code claim-token.mint}
 * @param subject what it was about: a device id or token id (may be null)
 * @param outcome {@code allowed} or {@code refused}
 * @param reason a short machine-readable reason for a refusal (null when allowed)
 * @param source remote address of the request (may be null)
 */
public record AuditEvent(
    Instant at, String actor, String action, String subject, String outcome, String reason, String source) {

  public static AuditEvent allowed(Instant at, String actor, String action, String subject, String source) {
    return new AuditEvent(at, actor, action, subject, "allowed", null, source);
  }

  public static AuditEvent refused(
      Instant at, String actor, String action, String subject, String reason, String source) {
    return new AuditEvent(at, actor, action, subject, "refused", reason, source);
  }
}
