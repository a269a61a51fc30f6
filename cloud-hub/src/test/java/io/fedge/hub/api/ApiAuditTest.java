package io.fedge.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.provisioning.store.AuditEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which /api/v1 requests the gate writes to the audit log, and how. */
class ApiAuditTest {
  private static final Instant AT = Instant.parse("2026-11-23T12:00:00Z");
  private static final Principal OLGA = new Principal("olga", Role.OPERATOR, "c".repeat(43), false);

  @Test
  void everyStateChangingRequestIsRecordedWithItsActorAndOutcome() {
    AuditEvent ok = ApiAudit.answered(OLGA, "POST", "/api/v1/jobs/churn-q4/cancel", 200, "10.0.0.1", AT).orElseThrow();
    assertThat(ok).isEqualTo(AuditEvent.allowed(AT, "olga", "api.post", "/api/v1/jobs/churn-q4/cancel", "10.0.0.1"));
    AuditEvent failed = ApiAudit.answered(Principal.opsToken(), "PUT", "/api/v1/ota/groups/g-1/profile", 409, null, AT).orElseThrow();
    assertThat(failed.actor()).isEqualTo("ops");
    assertThat(failed.outcome()).isEqualTo("refused");
    assertThat(failed.reason()).isEqualTo("http_409");
  }

  @Test
  void readsAndRoutesThatAuditThemselvesAreNotRecordedTwice() {
    assertThat(ApiAudit.answered(OLGA, "GET", "/api/v1/devices", 200, null, AT)).isEmpty();
    assertThat(ApiAudit.answered(OLGA, "POST", "/api/v1/devices/d-1/revoke", 200, null, AT)).isEmpty();
    assertThat(ApiAudit.answered(OLGA, "POST", "/api/v1/claim-tokens", 201, null, AT)).isEmpty();
    assertThat(ApiAudit.answered(OLGA, "POST", "/api/v1/session", 200, null, AT)).isEmpty();
    assertThat(ApiAudit.answered(OLGA, "PATCH", "/api/v1/users/bob", 200, null, AT)).isEmpty();
    assertThat(ApiAudit.answered(null, "POST", "/api/v1/jobs", 201, null, AT)).isEmpty();
  }

  @Test
  void aRefusalByTheGateIsRecordedEvenOnSelfAuditedRoutes() {
    Principal auditor = new Principal("audrey", Role.AUDITOR, "c".repeat(43), false);
    ApiError forbidden = new ApiError(403, "forbidden", "read-only");
    AuditEvent e = ApiAudit.refusedByGate(auditor, "POST", "/api/v1/devices/d-1/revoke", forbidden, "10.0.0.2", AT).orElseThrow();
    assertThat(e).isEqualTo(AuditEvent.refused(AT, "audrey", "api.post", "/api/v1/devices/d-1/revoke", "forbidden", "10.0.0.2"));
    assertThat(ApiAudit.refusedByGate(null, "POST", "/api/v1/jobs", new ApiError(401, "unauthorized", "x"), null, AT))
        .as("anonymous refusals are not logged").isEmpty();
    assertThat(ApiAudit.refusedByGate(auditor, "GET", "/api/v1/users", forbidden, null, AT)).isEmpty();
  }
}
