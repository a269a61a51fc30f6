package io.fedge.hub.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.hub.metrics.HubMetrics;
import io.fedge.hub.rounds.RoundRecords.JobState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's round metrics moved by a real coordinator running real participants. */
class RoundMetricsTest {
  @TempDir Path dir;

  @Test
  void eachRoundAttemptRecordsItsDurationParticipantsAndAggregationTime() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    HubMetrics metrics = new HubMetrics(registry, new HubMetrics.Sources(List::of, Map::of, () -> 0), Duration.ZERO);
    // the hub's clock stands still, so no round times out on a slow machine and counts dropouts
    var clock = new io.fedge.federation.time.MutableClock(java.time.Instant.now());
    try (InMemoryFederation f = new InMemoryFederation(dir, "jdbc:sqlite:" + dir.resolve("hub.db"), CoordinatorTest.BREAST, clock)) {
      f.also = metrics.rounds();
      f.coordinator.submit(CoordinatorTest.job("metrics-lr", false, 2, "[\"d-site1\",\"d-site2\"]", "")
          .getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
          .until(() -> f.job("metrics-lr").state().terminal());
      assertThat(f.job("metrics-lr").state()).isEqualTo(JobState.DONE);
    }
    // round 0 (scale statistics) and rounds 1..2 (training), each one attempt with both devices
    assertThat(registry.get("fedge_hub_round_duration_seconds").tags("phase", "train", "state", "DONE").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("fedge_hub_round_duration_seconds").tags("phase", "scale", "state", "DONE").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("fedge_hub_round_participants").tags("phase", "train", "state", "DONE").summary().totalAmount())
        .isEqualTo(4);
    assertThat(registry.get("fedge_hub_round_dropouts_total").tags("phase", "train", "state", "DONE").counter().count())
        .isZero();
    assertThat(registry.get("fedge_hub_round_aggregation_seconds").tags("phase", "train").timer().count()).isEqualTo(2);
    assertThat(registry.get("fedge_hub_round_aggregation_seconds").tags("phase", "train").timer()
        .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
  }
}
