package io.fedge.agent.dashboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.time.MutableClock;
import io.fedge.provisioning.auth.LockoutPolicy;
import io.fedge.provisioning.auth.PasswordHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardAuthTest {
  private static final String PASSWORD = "a long enough password";
  // 10,000 iterations (the floor) keep the test fast; the product uses PasswordHasher.DEFAULT_ITERATIONS.
  private static final DashboardAuth.Settings SETTINGS =
      new DashboardAuth.Settings(Duration.ofMinutes(30), Duration.ofHours(12),
          new LockoutPolicy(5, Duration.ofSeconds(30), Duration.ofHours(1)), 10, 10_000);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T08:00:00Z"));
  private DashboardAuth auth;

  @BeforeEach
  void open() throws Exception {
    auth = reopen();
  }

  @AfterEach
  void close() {
    auth.close();
  }

  private DashboardAuth reopen() throws Exception {
    if (auth != null) {
      auth.close();
    }
    auth = DashboardAuth.open(dir.resolve("state/dashboard.db"), dir.resolve("run"), SETTINGS, clock, new SecureRandom());
    return auth;
  }

  private String code() throws Exception {
    return Files.readString(dir.resolve("run").resolve(DashboardAuth.PAIRING_FILE)).strip();
  }

  private DashboardAuth.Granted pairOk() throws Exception {
    DashboardAuth.Outcome o = auth.pair(code(), "admin", PASSWORD, "10.0.0.5");
    assertThat(o).isInstanceOf(DashboardAuth.Granted.class);
    return (DashboardAuth.Granted) o;
  }

  @Test
  void firstBootWritesAPairingCodeReadableOnlyByTheOwner() throws Exception {
    Path f = dir.resolve("run").resolve(DashboardAuth.PAIRING_FILE);
    assertThat(PairingCode.normalize(code())).isPresent();
    assertThat(Files.getPosixFilePermissions(f)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    assertThat(auth.paired()).isFalse();
  }

  @Test
  void theCodeSurvivesARestartUntilSpentAndIsNotReplaced() throws Exception {
    String first = code();
    reopen();
    assertThat(code()).isEqualTo(first);
    assertThat(auth.pair(first, "admin", PASSWORD, "10.0.0.5")).isInstanceOf(DashboardAuth.Granted.class);
  }

  @Test
  void pairingSpendsTheCodeAndDeletesItsFile() throws Exception {
    String c = code();
    pairOk();
    assertThat(auth.paired()).isTrue();
    assertThat(dir.resolve("run").resolve(DashboardAuth.PAIRING_FILE)).doesNotExist();
    DashboardAuth.Outcome again = auth.pair(c, "mallory", PASSWORD, "10.0.0.6");
    assertThat(again).isInstanceOfSatisfying(DashboardAuth.Refused.class, r -> assertThat(r.status()).isEqualTo(409));
    reopen();
    assertThat(auth.paired()).isTrue();
    assertThat(dir.resolve("run").resolve(DashboardAuth.PAIRING_FILE)).doesNotExist();
  }

  @Test
  void aWrongCodeIsRefusedAndCreatesNoAccount() {
    DashboardAuth.Outcome o = auth.pair("2222-2222", "admin", PASSWORD, "10.0.0.5");
    assertThat(o).isInstanceOfSatisfying(DashboardAuth.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
    assertThat(auth.paired()).isFalse();
  }

  @Test
  void aShortPasswordIsRefusedBeforeTheCodeIsSpent() throws Exception {
    DashboardAuth.Outcome o = auth.pair(code(), "admin", "short", "10.0.0.5");
    assertThat(o).isInstanceOfSatisfying(DashboardAuth.Refused.class, r -> {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.message()).contains("at least 10 characters");
    });
    assertThat(auth.paired()).isFalse();
    pairOk();
  }

  @Test
  void pairingGuessesLockThePairingCodeForEveryoneAfterFiveFailures() throws Exception {
    for (int i = 0; i < 5; i++) {
      auth.pair("2222-2222", "admin", PASSWORD, "10.0.0." + i); // from a different address each time
    }
    DashboardAuth.Outcome o = auth.pair(code(), "admin", PASSWORD, "10.0.0.99");
    assertThat(o).isInstanceOfSatisfying(DashboardAuth.Refused.class, r -> assertThat(r.status()).isEqualTo(429));
    clock.advance(Duration.ofSeconds(31));
    pairOk();
  }

  @Test
  void loginWithTheRightPasswordGivesASessionWithACsrfToken() throws Exception {
    pairOk();
    DashboardAuth.Outcome o = auth.login("admin", PASSWORD, "10.0.0.5");
    assertThat(o).isInstanceOfSatisfying(DashboardAuth.Granted.class, g -> {
      assertThat(g.sessionId()).hasSize(43);
      assertThat(auth.session(g.sessionId(), true)).get().satisfies(s -> {
        assertThat(s.username()).isEqualTo("admin");
        assertThat(DashboardAuth.csrfMatches(s, s.csrfToken())).isTrue();
        assertThat(DashboardAuth.csrfMatches(s, s.csrfToken().substring(1) + "x")).isFalse();
        assertThat(DashboardAuth.csrfMatches(s, null)).isFalse();
      });
    });
  }

  @Test
  void fiveWrongPasswordsLockTheAccountEvenForTheRightPasswordFromElsewhere() throws Exception {
    pairOk();
    for (int i = 0; i < 5; i++) {
      assertThat(auth.login("admin", "wrong password " + i, "10.0.0.5")).isInstanceOf(DashboardAuth.Refused.class);
    }
    DashboardAuth.Outcome locked = auth.login("admin", PASSWORD, "10.0.0.77");
    assertThat(locked).isInstanceOfSatisfying(DashboardAuth.Refused.class, r -> {
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    });
    clock.advance(Duration.ofSeconds(31));
    assertThat(auth.login("admin", PASSWORD, "10.0.0.77")).isInstanceOf(DashboardAuth.Granted.class);
  }

  @Test
  void lockoutDoublesWithEachFurtherFailureAndSurvivesARestart() throws Exception {
    pairOk();
    for (int i = 0; i < 5; i++) {
      auth.login("admin", "wrong", "10.0.0.5");
    }
    clock.advance(Duration.ofSeconds(31));
    DashboardAuth.Outcome sixth = auth.login("admin", "wrong", "10.0.0.5");
    assertThat(sixth).isInstanceOfSatisfying(DashboardAuth.Refused.class, r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(60)));
    reopen();
    clock.advance(Duration.ofSeconds(45));
    assertThat(auth.login("admin", PASSWORD, "10.0.0.5"))
        .isInstanceOfSatisfying(DashboardAuth.Refused.class, r -> assertThat(r.status()).isEqualTo(429));
  }

  @Test
  void aSourceGuessingUnknownUserNamesIsLockedToo() throws Exception {
    pairOk();
    for (int i = 0; i < 5; i++) {
      auth.login("user" + i, "wrong", "10.0.0.9");
    }
    assertThat(auth.login("admin", PASSWORD, "10.0.0.9"))
        .isInstanceOfSatisfying(DashboardAuth.Refused.class, r -> assertThat(r.status()).isEqualTo(429));
    assertThat(auth.login("admin", PASSWORD, "10.0.0.10")).isInstanceOf(DashboardAuth.Granted.class);
  }

  @Test
  void aSessionEndsAfterTheIdleTimeoutUnlessUsed() throws Exception {
    String id = pairOk().sessionId();
    clock.advance(Duration.ofMinutes(20));
    assertThat(auth.session(id, true)).isPresent();
    clock.advance(Duration.ofMinutes(20));
    assertThat(auth.session(id, false)).as("used 20 min ago, within 30").isPresent();
    clock.advance(Duration.ofMinutes(11));
    assertThat(auth.session(id, true)).as("background polling did not extend it").isEmpty();
  }

  @Test
  void aSessionEndsAtTheAbsoluteTimeoutEvenWhenUsed() throws Exception {
    String id = pairOk().sessionId();
    for (int i = 0; i < 12 * 3; i++) {
      clock.advance(Duration.ofMinutes(20));
      auth.session(id, true);
    }
    clock.advance(Duration.ofMinutes(1));
    assertThat(auth.session(id, true)).isEmpty();
  }

  @Test
  void logoutEndsTheSessionAndSessionsSurviveARestart() throws Exception {
    String a = pairOk().sessionId();
    String b = ((DashboardAuth.Granted) auth.login("admin", PASSWORD, "10.0.0.5")).sessionId();
    reopen();
    assertThat(auth.session(a, true)).isPresent();
    auth.logout(a);
    assertThat(auth.session(a, true)).isEmpty();
    assertThat(auth.session(b, true)).isPresent();
  }

  @Test
  void theDatabaseHoldsNeitherSessionIdsNorThePasswordNorTheCode() throws Exception {
    String code = code();
    String id = pairOk().sessionId();
    auth.close();
    byte[] db = Files.readAllBytes(dir.resolve("state/dashboard.db"));
    byte[] wal = Files.exists(dir.resolve("state/dashboard.db-wal")) ? Files.readAllBytes(dir.resolve("state/dashboard.db-wal")) : new byte[0];
    String all = new String(db, java.nio.charset.StandardCharsets.ISO_8859_1) + new String(wal, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(all).doesNotContain(id).doesNotContain(PASSWORD).doesNotContain(code.replace("-", "")).doesNotContain(code);
    auth = null;
    reopen();
  }
}
