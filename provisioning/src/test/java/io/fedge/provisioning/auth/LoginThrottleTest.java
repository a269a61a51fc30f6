package io.fedge.provisioning.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final Map<String, LoginThrottle.Failures> table = new HashMap<>();
  private final LoginThrottle.Counters counters = new LoginThrottle.Counters() {
    @Override
    public LoginThrottle.Failures get(String key) {
      return table.getOrDefault(key, LoginThrottle.Failures.NONE);
    }

    @Override
    public void put(String key, LoginThrottle.Failures f, Instant at) {
      table.put(key, f);
    }

    @Override
    public void clear(String key) {
      table.remove(key);
    }
  };
  private final Instant t0 = Instant.parse("2026-11-23T10:00:00Z");

  private LoginThrottle at(Instant now) {
    return new LoginThrottle(counters, new LockoutPolicy(2, Duration.ofSeconds(10), Duration.ofMinutes(1)),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aKeyIsLockedFromTheThresholdOnAndTheMostLockedKeyDecides() {
    LoginThrottle t = at(t0);
    assertThat(t.fail("user:a", Duration.ZERO)).isZero();
    assertThat(t.lockedFor("user:a")).isEmpty();
    assertThat(t.fail("user:a", Duration.ZERO)).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.fail("user:a", Duration.ZERO)).isEqualTo(Duration.ofSeconds(20));
    assertThat(t.fail("src:x", Duration.ofSeconds(20))).as("the longer of the two").isEqualTo(Duration.ofSeconds(20));
    assertThat(t.lockedFor("src:x", "user:a")).contains(Duration.ofSeconds(20));
    assertThat(t.lockedFor("src:other")).isEmpty();
    assertThat(at(t0.plusSeconds(15)).lockedFor("user:a")).contains(Duration.ofSeconds(5));
    assertThat(at(t0.plusSeconds(21)).lockedFor("user:a")).isEmpty();
  }

  @Test
  void aPasswordCheckCountsFailuresOnEveryKeyRefusesWhileLockedAndClearsOnSuccess() {
    PasswordHasher hasher = new PasswordHasher(10_000, new SecureRandom());
    String hash = hasher.hash("right password");
    LoginThrottle t = at(t0);
    assertThat(t.checkPassword(hasher, "wrong", hash, "src:x", "user:a")).isEqualTo(new LoginThrottle.Wrong(Duration.ZERO));
    assertThat(t.checkPassword(hasher, "wrong", null, "src:x", null)).as("no such account: the source still counts")
        .isEqualTo(new LoginThrottle.Wrong(Duration.ofSeconds(10)));
    assertThat(table).containsOnlyKeys("src:x", "user:a");
    assertThat(t.checkPassword(hasher, "right password", hash, "src:x", "user:a"))
        .as("locked: even the right password is not looked at").isEqualTo(new LoginThrottle.Locked(Duration.ofSeconds(10)));
    assertThat(table.get("src:x").count()).isEqualTo(2);
    assertThat(at(t0.plusSeconds(10)).checkPassword(hasher, "right password", hash, "src:x", "user:a"))
        .isEqualTo(new LoginThrottle.Passed());
    assertThat(table).isEmpty();
    assertThat(LoginThrottle.lockedMessage(Duration.ofSeconds(10))).isEqualTo("Too many failed attempts. Try again in 10 seconds.");
  }

  @Test
  void sessionSecretsAreLongRandomAndStoredOnlyAsTheirHash() {
    SecureRandom r = new SecureRandom();
    String a = LoginThrottle.token(r);
    assertThat(a).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(LoginThrottle.token(r));
    assertThat(LoginThrottle.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(LoginThrottle.human(Duration.ofSeconds(45))).isEqualTo("45 seconds");
    assertThat(LoginThrottle.human(Duration.ofMinutes(3))).isEqualTo("3 minutes");
    assertThat(LoginThrottle.lockNote(Duration.ZERO)).isEmpty();
  }
}
