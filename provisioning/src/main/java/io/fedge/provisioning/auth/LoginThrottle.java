package io.fedge.provisioning.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Brute-force protection shared by the appliance dashboard and the hub console: consecutive
 * failures are counted per key (an account, a source address, ...) in the caller's store, and a
 * key is locked as {@link LockoutPolicy} says. Also the small helpers both use for session secrets.
 */
public final class LoginThrottle {

  /** A key's consecutive failures and the end of its lock. */
  public record Failures(int count, Instant lockedUntil) {
    public static final Failures NONE = new Failures(0, Instant.EPOCH);
  }

  /** Where the counters live (a database table on hub and appliance). */
  public interface Counters {
    Failures get(String key);

    void put(String key, Failures failures, Instant at);
  }

  private final Counters counters;
  private final LockoutPolicy policy;
  private final Clock clock;

  public LoginThrottle(Counters counters, LockoutPolicy policy, Clock clock) {
    this.counters = counters;
    this.policy = policy;
    this.clock = clock;
  }

  /** How much longer the most locked of {@code keys} stays locked; empty if none is. */
  public Optional<Duration> lockedFor(String... keys) {
    Instant now = clock.instant();
    Instant until = Instant.EPOCH;
    for (String k : keys) {
      Instant u = counters.get(k).lockedUntil();
      if (u.isAfter(until)) {
        until = u;
      }
    }
    return until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
  }

  /** Counts a failure on {@code key}; returns the longer of the lock it earned and {@code soFar}. */
  public Duration fail(String key, Duration soFar) {
    Instant now = clock.instant();
    int n = counters.get(key).count() + 1;
    Duration lock = policy.lockAfter(n);
    counters.put(key, new Failures(n, now.plus(lock)), now);
    return lock.compareTo(soFar) > 0 ? lock : soFar;
  }

  /** " Too many failed attempts: locked for ..." or nothing, to append to a refusal. */
  public static String lockNote(Duration lock) {
    return lock.isZero() ? "" : " Too many failed attempts: locked for " + human(lock) + ".";
  }

  /** A wait as people say it: "45 seconds", "3 minutes", "2 hours". */
  public static String human(Duration d) {
    long s = Math.max(1, (d.toMillis() + 999) / 1000);
    if (s < 120) {
      return s + " seconds";
    }
    long m = (s + 59) / 60;
    return m < 120 ? m + " minutes" : ((m + 59) / 60) + " hours";
  }

  /** 256 random bits, base64url without padding (43 characters): session ids and CSRF tokens. */
  public static String token(SecureRandom random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Lower-case hex SHA-256 of an ASCII secret: what is stored of a session id. */
  public static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
