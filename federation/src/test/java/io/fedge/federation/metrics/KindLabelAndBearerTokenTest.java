package io.fedge.federation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.wire.Kinds;
import org.junit.jupiter.api.Test;

class KindLabelAndBearerTokenTest {
  @Test
  void declaredKindsAreTheirOwnLabelAndEverythingElseIsOther() {
    assertThat(KindLabel.known()).contains(Kinds.HEARTBEAT, Kinds.ROUND_INVITE, Kinds.OTA_REPORT).hasSizeGreaterThan(10);
    assertThat(KindLabel.of(Kinds.HEARTBEAT)).isEqualTo(Kinds.HEARTBEAT);
    assertThat(KindLabel.of("d-aaaaaaaaaaaaaaaaaaaa")).isEqualTo(KindLabel.OTHER);
    assertThat(KindLabel.of(null)).isEqualTo(KindLabel.OTHER);
  }

  @Test
  void onlyTheExactTokenAsABearerCredentialIsAllowed() {
    BearerToken t = new BearerToken("metrics-token-0123456789", "metrics.token");
    assertThat(t.allows("Bearer metrics-token-0123456789")).isTrue();
    assertThat(t.allows("bearer metrics-token-0123456789")).isTrue();
    assertThat(t.allows("Bearer metrics-token-012345678")).isFalse();
    assertThat(t.allows("Basic metrics-token-0123456789")).isFalse();
    assertThat(t.allows(null)).isFalse();
    assertThatThrownBy(() -> new BearerToken("short", "metrics.token")).hasMessageContaining("metrics.token");
  }

  @Test
  void aRegistryExposesJvmAndProcessMetricsInThePrometheusTextFormat() {
    try (PrometheusMetrics m = PrometheusMetrics.create("test")) {
      String text = m.scrape();
      assertThat(text).contains("jvm_memory_used_bytes{", "process_uptime_seconds{", "application=\"test\"");
    }
  }
}
