package io.fedge.provisioning.auth;

import java.time.Duration;

/**
 * How long a key (an account, a source address, the pairing code) is locked after consecutive
 * failures: nothing below {@code threshold}; then {@code base}, doubling with each further failure,
 * never more than {@code max}.
 */
public record LockoutPolicy(int threshold, Duration base, Duration max) {

  public LockoutPolicy {
    if (threshold < 1) {
      throw new IllegalArgumentException("lockout threshold must be at least 1, was " + threshold);
    }
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("lockout needs 0 < base <= max, was " + base + " and " + max);
    }
  }

  /** The lock that follows the {@code failures}-th consecutive failure (zero: not locked). */
  public Duration lockAfter(int failures) {
    if (failures < threshold) {
      return Duration.ZERO;
    }
    int doublings = failures - threshold;
    if (doublings >= 40) {
      return max;
    }
    Duration d = base.multipliedBy(1L << doublings);
    return d.compareTo(max) > 0 ? max : d;
  }
}
