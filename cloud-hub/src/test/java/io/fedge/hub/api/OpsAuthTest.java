package io.fedge.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpsAuthTest {
  private final OpsAuth auth = new OpsAuth("correct-horse-battery-staple-42");

  @Test
  void theRightBearerTokenIsAllowed() {
    assertThat(auth.allows("Bearer correct-horse-battery-staple-42")).isTrue();
    assertThat(auth.allows("bearer correct-horse-battery-staple-42")).isTrue();
  }

  @Test
  void anythingElseIsRefused() {
    assertThat(auth.allows(null)).isFalse();
    assertThat(auth.allows("")).isFalse();
    assertThat(auth.allows("Bearer")).isFalse();
    assertThat(auth.allows("Bearer correct-horse-battery-staple-43")).isFalse();
    assertThat(auth.allows("Basic correct-horse-battery-staple-42")).isFalse();
    assertThat(auth.allows("correct-horse-battery-staple-42")).isFalse();
  }

  @Test
  void aShortTokenIsRejectedAtStart() {
    assertThatThrownBy(() -> new OpsAuth("short")).hasMessageContaining("20 characters");
  }
}
