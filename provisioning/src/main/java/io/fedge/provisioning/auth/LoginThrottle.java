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

    /** Forgets the key's failures (after a success). */
    void clear(String key);
  }

  /** What a password checked under the throttle came to. */
  public sealed interface Check {}

  /** A key is locked for {@code retryAfter} more: the password was not looked at and nothing was counted. */
  public record Locked(Duration retryAfter) implements Check {}

  /** A wrong password or no such account: a failure counted on every key; {@code lock} is the longest lock earned. */
  public record Wrong(Duration lock) implements Check {}

  /** The right password: the keys' failures are forgotten. */
  public record Passed() implements Check {}

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

  /**
   * The login step both the dashboard and the console take: refuses while any of {@code keys} (an
   * account, a source address; nulls are skipped) is locked, checks {@code password} against
   * {@code passwordHash} ({@code null} for an account that does not exist: the hasher then spends
   * the same time, so timing does not tell whether a name exists), then counts the failure on every
   * key or clears them all.
   */
  public Check checkPassword(PasswordHasher hasher, String password, String passwordHash, String... keys) {
    String[] live = java.util.Arrays.stream(keys).filter(java.util.Objects::nonNull).toArray(String[]::new);
    Optional<Duration> locked = lockedFor(live);
    if (locked.isPresent()) {
      return new Locked(locked.get());
    }
    boolean ok;
    if (passwordHash != null) {
      ok = hasher.verify(password, passwordHash);
    } else {
      hasher.burn(password);
      ok = false;
    }
    if (!ok) {
      Duration lock = Duration.ZERO;
      for (String k : live) {
        lock = fail(k, lock);
      }
      return new Wrong(lock);
    }
    for (String k : live) {
      counters.clear(k);
    }
    return new Passed();
  }

  /** "Too many failed attempts. Try again in ...": the refusal of a locked key. */
  public static String lockedMessage(Duration wait) {
    return "Too many failed attempts. Try again in " + human(wait) + ".";
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
