package io.fedge.provisioning;

import java.time.Duration;

/**
 * @param deviceCertLifetime how long device certificates are valid (devices renew at 2/3)
 * @param maxClaimTokenTtl longest lifetime an operator may give a claim token
 */
public record EnrollmentSettings(Duration deviceCertLifetime, Duration maxClaimTokenTtl) {
  public EnrollmentSettings {
    // Short lifetimes (seconds) are for tests of live renewal; production uses days.
    if (deviceCertLifetime == null || deviceCertLifetime.compareTo(Duration.ofSeconds(15)) < 0) {
      throw new IllegalArgumentException("device certificate lifetime must be at least 15 seconds");
    }
    if (maxClaimTokenTtl == null || maxClaimTokenTtl.isNegative() || maxClaimTokenTtl.isZero()) {
      throw new IllegalArgumentException("maximum claim token lifetime must be positive");
    }
  }

  /** 90-day device certificates, claim tokens valid for at most 30 days. */
  public static EnrollmentSettings defaults() {
    return new EnrollmentSettings(Duration.ofDays(90), Duration.ofDays(30));
  }
}
