package io.fedge.provisioning.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LockoutPolicyTest {
  private final LockoutPolicy p = new LockoutPolicy(5, Duration.ofSeconds(30), Duration.ofHours(1));

  @Test
  void noLockBelowTheThresholdThenDoublingUpToTheCap() {
    assertThat(p.lockAfter(4)).isZero();
    assertThat(p.lockAfter(5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.lockAfter(6)).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.lockAfter(9)).isEqualTo(Duration.ofSeconds(480));
    assertThat(p.lockAfter(13)).isEqualTo(Duration.ofHours(1));
    assertThat(p.lockAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void nonsensicalPoliciesAreRefused() {
    assertThatThrownBy(() -> new LockoutPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LockoutPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class);
  }
}
