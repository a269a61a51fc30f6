package io.fedge.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.time.MutableClock;
import io.fedge.hub.api.Principal;
import io.fedge.hub.api.Role;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.JdbcHubStore;
import io.fedge.hub.db.Migrations;
import io.fedge.provisioning.auth.LockoutPolicy;
import io.fedge.provisioning.store.AuditEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Console users and sessions against a real database (SQLite and PostgreSQL subclasses): first
 * admin, login, lockout, session timeouts, user management rules, and the audit trail they leave.
 */
abstract class AbstractConsoleAuthTest {
  // 10,000 iterations (the hasher's floor) keep the test fast; the hub uses at least 600,000.
  static final ConsoleAuth.Settings SETTINGS = new ConsoleAuth.Settings(Duration.ofMinutes(30), Duration.ofHours(12),
      new LockoutPolicy(3, Duration.ofSeconds(30), Duration.ofMinutes(10)), 12, 10_000);
  static final String SRC = "192.0.2.10";

  @TempDir Path dir;
  Database db;
  JdbcHubStore hubStore;
  ConsoleStore store;
  ConsoleAuth auth;
  MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

  protected abstract Database openDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    Migrations.migrateToLatest(db);
    hubStore = new JdbcHubStore(db);
    store = new ConsoleStore(db);
    auth = new ConsoleAuth(store, hubStore::audit, SETTINGS, clock, new SecureRandom());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private String firstAdminPassword() throws Exception {
    auth.ensureFirstAdmin(dir, "admin", null);
    return Files.readString(dir.resolve(ConsoleAuth.FIRST_ADMIN_FILE)).strip();
  }

  private ConsoleAuth.Granted loginOk(String user, String password) {
    ConsoleAuth.Outcome o = auth.login(user, password, SRC);
    assertThat(o).isInstanceOf(ConsoleAuth.Granted.class);
    return (ConsoleAuth.Granted) o;
  }

  private List<String> actions() {
    return hubStore.auditTrail(null, 1000).stream().map(e -> e.action() + " " + e.outcome() + " " + e.actor()).toList();
  }

  @Test
  void theFirstStartMakesOneAdminWithAOneTimePasswordInAPrivateFile() throws Exception {
    String otp = firstAdminPassword();
    Path f = dir.resolve(ConsoleAuth.FIRST_ADMIN_FILE);
    assertThat(Files.getPosixFilePermissions(f)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(otp).hasSizeGreaterThanOrEqualTo(20);
    auth.ensureFirstAdmin(dir, "admin", null); // a restart makes no second admin and keeps the password
    assertThat(auth.users()).extracting(ConsoleAuth.User::username, ConsoleAuth.User::role).containsExactly(
        org.assertj.core.groups.Tuple.tuple("admin", Role.ADMIN));
    ConsoleAuth.Granted g = loginOk("admin", otp);
    assertThat(g.session().mustChangePassword()).isTrue();
    assertThat(auth.session(g.sessionId(), false).orElseThrow().principal().mustChangePassword()).isTrue();

    auth.changeOwnPassword(g.sessionId(), otp, "my own admin password", SRC);
    assertThat(f).doesNotExist();
    assertThat(auth.session(g.sessionId(), false).orElseThrow().mustChangePassword()).isFalse();
    assertThat(auth.login("admin", otp, SRC)).isInstanceOf(ConsoleAuth.Refused.class);
    loginOk("admin", "my own admin password");
    assertThat(actions()).contains("console.user.create:admin allowed hub", "console.login allowed admin",
        "console.password.change allowed admin");
  }

  @Test
  void aConfiguredAdminPasswordIsUsedAsIsAndNeedsNoChange() throws Exception {
    auth.ensureFirstAdmin(dir, "root-ops", "configured password 1");
    assertThat(dir.resolve(ConsoleAuth.FIRST_ADMIN_FILE)).doesNotExist();
    assertThat(loginOk("root-ops", "configured password 1").session().mustChangePassword()).isFalse();
    assertThatThrownBy(() -> new ConsoleAuth(new ConsoleStore(openFresh()), e -> {}, SETTINGS, clock, new SecureRandom())
        .ensureFirstAdmin(dir.resolve("other"), "admin", "short")).isInstanceOf(IllegalArgumentException.class);
  }

  /** A second, empty database of the same kind, for checks that need a hub without users. */
  protected Database openFresh() throws Exception {
    Database d = openDatabase();
    Migrations.migrateToLatest(d);
    return d;
  }

  @Test
  void repeatedFailuresLockTheAccountAndTheSourceThenTheLockExpires() throws Exception {
    auth.ensureFirstAdmin(dir, "admin", "correct horse battery");
    for (int i = 0; i < 2; i++) {
      assertThat(((ConsoleAuth.Refused) auth.login("admin", "wrong password", SRC)).status()).isEqualTo(403);
    }
    ConsoleAuth.Refused third = (ConsoleAuth.Refused) auth.login("admin", "wrong password", SRC);
    assertThat(third.status()).isEqualTo(403);
    assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    // locked: even the right password is refused, from this source and from another one (account lock)
    ConsoleAuth.Refused locked = (ConsoleAuth.Refused) auth.login("admin", "correct horse battery", SRC);
    assertThat(locked.status()).isEqualTo(429);
    assertThat(locked.code()).isEqualTo("locked");
    assertThat(((ConsoleAuth.Refused) auth.login("admin", "correct horse battery", "198.51.100.7")).status()).isEqualTo(429);
    clock.advance(Duration.ofSeconds(31));
    loginOk("admin", "correct horse battery");
    assertThat(actions()).contains("console.login refused admin");
    assertThat(hubStore.auditTrail(ConsoleAuth.subject("admin"), 100)).extracting(AuditEvent::reason)
        .contains("bad_credentials", "locked");
  }

  @Test
  void guessingUnknownNamesLocksTheSourceAddress() {
    for (int i = 0; i < 3; i++) {
      auth.login("nobody-" + i, "whatever password", SRC);
    }
    assertThat(((ConsoleAuth.Refused) auth.login("nobody-9", "whatever password", SRC)).status()).isEqualTo(429);
    assertThat(((ConsoleAuth.Refused) auth.login("nobody-9", "whatever password", "198.51.100.7")).status()).isEqualTo(403);
  }

  @Test
  void sessionsEndAfterIdleTimeAndAfterTheirAbsoluteLifetime() throws Exception {
    auth.ensureFirstAdmin(dir, "admin", "correct horse battery");
    String id = loginOk("admin", "correct horse battery").sessionId();
    clock.advance(Duration.ofMinutes(29));
    assertThat(auth.resolve(id)).isPresent(); // touches it
    clock.advance(Duration.ofMinutes(29));
    assertThat(auth.resolve(id)).isPresent();
    clock.advance(Duration.ofMinutes(31));
    assertThat(auth.resolve(id)).as("idle for 31 minutes").isEmpty();

    String long1 = loginOk("admin", "correct horse battery").sessionId();
    for (int i = 0; i < 25; i++) {
      clock.advance(Duration.ofMinutes(29));
      auth.resolve(long1);
    }
    assertThat(auth.resolve(long1)).as("older than 12 hours though never idle").isEmpty();
    assertThat(auth.resolve("not-a-session")).isEmpty();
    assertThat(auth.resolve("x".repeat(43))).isEmpty();
  }

  @Test
  void logoutEndsTheSessionAndIsAudited() throws Exception {
    auth.ensureFirstAdmin(dir, "admin", "correct horse battery");
    String id = loginOk("admin", "correct horse battery").sessionId();
    auth.logout(id, SRC);
    assertThat(auth.resolve(id)).isEmpty();
    assertThat(actions()).contains("console.logout allowed admin");
  }

  @Test
  void anAdminManagesUsersAndEveryChangeIsAudited() throws Exception {
    auth.ensureFirstAdmin(dir, "admin", "correct horse battery");
    auth.createUser("admin", "olga", Role.OPERATOR, "olga initial pw", SRC);
    auth.createUser("admin", "audrey", Role.AUDITOR, "audrey initial pw", SRC);
    assertThatThrownBy(() -> auth.createUser("admin", "olga", Role.AUDITOR, "another password", SRC))
        .isInstanceOf(io.fedge.hub.api.ApiError.class).extracting("status").isEqualTo(409);
    assertThatThrownBy(() -> auth.createUser("admin", "Bad Name", Role.AUDITOR, "another password", SRC))
        .isInstanceOf(io.fedge.hub.api.ApiError.class).extracting("status").isEqualTo(400);
    assertThatThrownBy(() -> auth.createUser("admin", "shorty", Role.AUDITOR, "short", SRC))
        .isInstanceOf(io.fedge.hub.api.ApiError.class).extracting("code").isEqualTo("weak_password");

    ConsoleAuth.Granted olga = loginOk("olga", "olga initial pw");
    Principal p = olga.session().principal();
    assertThat(p.role()).isEqualTo(Role.OPERATOR);
    assertThat(p.mustChangePassword()).as("a password set by an admin is a one-time password").isTrue();

    // a role change takes effect at once: the user's sessions end
    auth.updateUser("admin", "olga", Role.AUDITOR, null, SRC);
    assertThat(auth.resolve(olga.sessionId())).isEmpty();
    assertThat(loginOk("olga", "olga initial pw").session().role()).isEqualTo(Role.AUDITOR);

    // disabled: sessions end, login refused
    String audreySession = loginOk("audrey", "audrey initial pw").sessionId();
    auth.updateUser("admin", "audrey", null, true, SRC);
    assertThat(auth.resolve(audreySession)).isEmpty();
    ConsoleAuth.Refused r = (ConsoleAuth.Refused) auth.login("audrey", "audrey initial pw", SRC);
    assertThat(r.code()).isEqualTo("account_disabled");

    // reset: a generated one-time password, the old one stops working
    String otp = auth.resetPassword("admin", "olga", null, SRC);
    assertThat(auth.login("olga", "olga initial pw", SRC)).isInstanceOf(ConsoleAuth.Refused.class);
    assertThat(loginOk("olga", otp).session().mustChangePassword()).isTrue();

    assertThat(actions()).contains("console.user.create:operator allowed admin", "console.user.create:auditor allowed admin",
        "console.user.create refused admin", "console.user.update:auditor,enabled allowed admin",
        "console.user.update:auditor,disabled allowed admin", "console.user.password.reset allowed admin");
  }

  @Test
  void theConsoleAlwaysKeepsAnEnabledAdmin() throws Exception {
    auth.ensureFirstAdmin(dir, "admin", "correct horse battery");
    assertThatThrownBy(() -> auth.updateUser("admin", "admin", Role.OPERATOR, null, SRC))
        .isInstanceOf(io.fedge.hub.api.ApiError.class).extracting("code").isEqualTo("last_admin");
    assertThatThrownBy(() -> auth.updateUser("admin", "admin", null, true, SRC))
        .isInstanceOf(io.fedge.hub.api.ApiError.class).extracting("code").isEqualTo("last_admin");
    auth.createUser("admin", "second-admin", Role.ADMIN, "second admin pw", SRC);
    auth.updateUser("admin", "admin", Role.OPERATOR, null, SRC);
    assertThat(store.user("admin").orElseThrow().role()).isEqualTo(Role.OPERATOR);
    assertThatThrownBy(() -> auth.updateUser("admin", "nobody", Role.OPERATOR, null, SRC))
        .isInstanceOf(io.fedge.hub.api.ApiError.class).extracting("status").isEqualTo(404);
  }

  @Test
  void changingYourPasswordNeedsTheCurrentOneAndEndsYourOtherSessions() throws Exception {
    auth.ensureFirstAdmin(dir, "admin", "correct horse battery");
    String here = loginOk("admin", "correct horse battery").sessionId();
    String elsewhere = loginOk("admin", "correct horse battery").sessionId();
    assertThatThrownBy(() -> auth.changeOwnPassword(here, "wrong current pw", "a brand new password", SRC))
        .isInstanceOf(io.fedge.hub.api.ApiError.class).extracting("status").isEqualTo(403);
    auth.changeOwnPassword(here, "correct horse battery", "a brand new password", SRC);
    assertThat(auth.resolve(here)).isPresent();
    assertThat(auth.resolve(elsewhere)).isEmpty();
  }

  @Test
  void theAuditSearchFiltersByActorActionPrefixSubjectAndOutcome() throws Exception {
    auth.ensureFirstAdmin(dir, "admin", "correct horse battery");
    loginOk("admin", "correct horse battery");
    auth.login("admin", "wrong password", SRC);
    auth.createUser("admin", "olga", Role.OPERATOR, "olga initial pw", SRC);
    assertThat(store.audit(new ConsoleStore.AuditQuery(null, "console.user.", null, null, null, 100)))
        .extracting(AuditEvent::action).containsExactlyInAnyOrder("console.user.create:admin", "console.user.create:operator");
    assertThat(store.audit(new ConsoleStore.AuditQuery("admin", "console.login", null, "refused", null, 100))).hasSize(1);
    assertThat(store.audit(new ConsoleStore.AuditQuery(null, null, ConsoleAuth.subject("olga"), null, null, 100))).hasSize(1);
    assertThat(store.audit(new ConsoleStore.AuditQuery(null, "console_", null, null, null, 100)))
        .as("LIKE wildcards in the filter are taken literally").isEmpty();
    assertThat(store.audit(new ConsoleStore.AuditQuery(null, null, null, null, clock.instant().plusSeconds(1), 100))).isEmpty();
  }
}
