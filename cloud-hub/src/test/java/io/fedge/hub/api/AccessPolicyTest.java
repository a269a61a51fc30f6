package io.fedge.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The role matrix of /api/v1, the CSRF rule and the one-time-password rule (docs/console.md). */
class AccessPolicyTest {
  private static final String CSRF = "c".repeat(43);

  private static Principal session(Role role) {
    return new Principal("someone", role, CSRF, false);
  }

  private static int status(Principal who, String method, String path, String csrf) {
    AccessPolicy.Decision d = AccessPolicy.decide(who, method, path, csrf);
    return d instanceof AccessPolicy.Deny deny ? deny.error().status() : 200;
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
    // role,     method, path,                               expected
    "ADMIN,     GET,    /api/v1/devices,                     200",
    "ADMIN,     POST,   /api/v1/devices/d-1/revoke,          200",
    "ADMIN,     POST,   /api/v1/users,                       200",
    "ADMIN,     PATCH,  /api/v1/users/bob,                   200",
    "OPERATOR,  GET,    /api/v1/devices,                     200",
    "OPERATOR,  POST,   /api/v1/devices/d-1/revoke,          200",
    "OPERATOR,  POST,   /api/v1/claim-tokens,                200",
    "OPERATOR,  POST,   /api/v1/jobs,                        200",
    "OPERATOR,  GET,    /api/v1/users,                       403",
    "OPERATOR,  POST,   /api/v1/users,                       403",
    "OPERATOR,  PATCH,  /api/v1/users/bob,                   403",
    "OPERATOR,  POST,   /api/v1/users/bob/password,          403",
    "AUDITOR,   GET,    /api/v1/devices,                     200",
    "AUDITOR,   GET,    /api/v1/users,                       200",
    "AUDITOR,   GET,    /api/v1/audit/events,                200",
    "AUDITOR,   HEAD,   /api/v1/devices,                     200",
    "AUDITOR,   POST,   /api/v1/devices/d-1/revoke,          403",
    "AUDITOR,   POST,   /api/v1/claim-tokens,                403",
    "AUDITOR,   PUT,    /api/v1/ota/groups/g-1/profile,      403",
    "AUDITOR,   POST,   /api/v1/users,                       403",
    "AUDITOR,   DELETE, /api/v1/session,                     200",
    "AUDITOR,   POST,   /api/v1/session/password,            200",
  })
  void eachRoleMayDoExactlyWhatTheMatrixSays(Role role, String method, String path, int expected) {
    assertThat(status(session(role), method, path, CSRF)).isEqualTo(expected);
  }

  @Test
  void theOpsTokenIsAnAdminThatNeedsNoCsrfToken() {
    for (String path : List.of("/api/v1/users", "/api/v1/devices/d-1/revoke", "/api/v1/claim-tokens")) {
      assertThat(status(Principal.opsToken(), "POST", path, null)).isEqualTo(200);
    }
    assertThat(Principal.opsToken().actor()).isEqualTo(OpsAuth.OPS_ACTOR);
  }

  @Test
  void aSessionMustSendItsCsrfTokenOnEveryStateChangingMethod() {
    for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
      assertThat(status(session(Role.ADMIN), method, "/api/v1/claim-tokens", null)).isEqualTo(403);
      assertThat(status(session(Role.ADMIN), method, "/api/v1/claim-tokens", "x" + CSRF.substring(1))).isEqualTo(403);
      assertThat(status(session(Role.ADMIN), method, "/api/v1/claim-tokens", CSRF)).isEqualTo(200);
    }
    AccessPolicy.Deny d = (AccessPolicy.Deny) AccessPolicy.decide(session(Role.ADMIN), "POST", "/api/v1/claim-tokens", "");
    assertThat(d.error().code()).isEqualTo("csrf_token_invalid");
    // reads need none, and logging out without the token is refused too (no forced logout by another site)
    assertThat(status(session(Role.AUDITOR), "GET", "/api/v1/devices", null)).isEqualTo(200);
    assertThat(status(session(Role.AUDITOR), "DELETE", "/api/v1/session", null)).isEqualTo(403);
  }

  @Test
  void onlyLoggingInIsOpenToAnonymousCallers() {
    assertThat(status(null, "POST", "/api/v1/session", null)).isEqualTo(200);
    assertThat(status(null, "GET", "/api/v1/session", null)).isEqualTo(401);
    assertThat(status(null, "GET", "/api/v1/devices", null)).isEqualTo(401);
    assertThat(status(null, "POST", "/api/v1/session/password", null)).isEqualTo(401);
    assertThat(status(null, "POST", "/api/v1/users", null)).isEqualTo(401);
  }

  @Test
  void aUserOnAOneTimePasswordMayOnlyChangeIt() {
    Principal fresh = new Principal("new-admin", Role.ADMIN, CSRF, true);
    assertThat(status(fresh, "GET", "/api/v1/devices", null)).isEqualTo(403);
    assertThat(((AccessPolicy.Deny) AccessPolicy.decide(fresh, "GET", "/api/v1/devices", null)).error().code())
        .isEqualTo("password_change_required");
    assertThat(status(fresh, "GET", "/api/v1/session", null)).isEqualTo(200);
    assertThat(status(fresh, "POST", "/api/v1/session/password", CSRF)).isEqualTo(200);
  }

  @Test
  void extraSlashesCannotSlipPastThePrefixChecks() {
    assertThat(status(session(Role.OPERATOR), "POST", "/api/v1//users", CSRF)).isEqualTo(403);
    assertThat(status(session(Role.OPERATOR), "POST", "/api/v1/users/", CSRF)).isEqualTo(403);
    assertThat(status(session(Role.OPERATOR), "POST", "/api/v1/usersx", CSRF)).isEqualTo(200);
    assertThat(AccessPolicy.isPublic("POST", "/api/v1/session/")).isTrue();
    assertThat(AccessPolicy.isPublic("POST", "/api/v1/sessionx")).isFalse();
  }
}
