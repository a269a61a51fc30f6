package io.fedge.agent.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th delay (from 0) is uniform in {@code [0, min(cap,
 * base * 2^n)]}. Full jitter spreads a fleet of appliances that lost the broker at the same moment
 * over the whole window instead of having them reconnect in lockstep. Not thread-safe; each user
 * owns one.
 */
public final class Backoff {
  private final long baseNanos;
  private final long capNanos;
  private final RandomGenerator random;
  private int attempt;

  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base must be positive: " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("cap " + cap + " is below base " + base);
    }
    this.baseNanos = base.toNanos();
    this.capNanos = cap.toNanos();
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The upper bound of the next delay, before jitter. */
  public Duration ceiling() {
    return Duration.ofNanos(ceilingNanos(attempt));
  }

  /** The next delay, and advances the exponent. */
  public Duration next() {
    long ceiling = ceilingNanos(attempt);
    if (attempt < 62) {
      attempt++;
    }
    return Duration.ofNanos(random.nextLong(ceiling + 1));
  }

  /**
   * A delay at the cap, jittered within its upper half ({@code [cap/2, cap]}): used when the broker
   * refused us, so that a revoked device neither hammers the broker nor retries in lockstep.
   */
  public Duration atCap() {
    attempt = 62;
    long half = capNanos / 2;
    return Duration.ofNanos(half + random.nextLong(capNanos - half + 1));
  }

  /** Starts over from {@code base} (call after a successful connection). */
  public void reset() {
    attempt = 0;
  }

  /** How many delays were handed out since the last reset. */
  public int attempts() {
    return attempt;
  }

  private long ceilingNanos(int n) {
    // base * 2^n without overflow
    if (n >= 62 || baseNanos > (capNanos >> Math.min(n, 62))) {
      return capNanos;
    }
    return Math.min(capNanos, baseNanos << n);
  }
}
