package io.fedge.hub.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.hub.rounds.RoundRecords.RoundRow;
import io.fedge.hub.rounds.RoundRecords.RoundState;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsHistoryTest {
  static final Instant T = Instant.parse("2026-11-23T12:00:00Z");

  static RoundRow row(int round, int attempt, RoundState state, Map<String, Double> metrics) {
    String digest = metrics == null ? null : Coordinator.json(new RoundDigest("job-1", round, attempt, round == 0 ? "scale" : "train",
        List.of("d-a"), Map.of("d-a", "00"), "ff", metrics, Map.of(), Map.of(), T));
    return new RoundRow("job-1", round, attempt, round == 0 ? "scale" : "train", state, T, T.plusSeconds(30), T.plusSeconds(5),
        null, null, null, "ff", digest);
  }

  @Test
  void eachCompletedTrainingRoundGivesOnePointPerMetricAndFailedAttemptsAndTheScalingRoundGiveNone() {
    MetricsHistory h = MetricsHistory.of(List.of(
        row(0, 1, RoundState.DONE, Map.of("rows", 569.0)),
        row(1, 1, RoundState.FAILED, null),
        row(1, 2, RoundState.DONE, Map.of("trainLoss", 0.6, "auc", 0.8)),
        row(2, 1, RoundState.DONE, Map.of("trainLoss", 0.4, "auc", 0.9, "logLoss", 0.3))));
    assertThat(h.rounds()).containsExactly(1, 2);
    assertThat(h.series().keySet()).containsExactly("auc", "logLoss", "trainLoss");
    assertThat(h.series().get("trainLoss")).containsExactly(0.6, 0.4);
    assertThat(h.series().get("logLoss")).containsExactly(null, 0.3);
  }

  @Test
  void nonFiniteValuesBecomeGapsRatherThanInvalidJson() throws Exception {
    MetricsHistory h = MetricsHistory.of(List.of(row(1, 1, RoundState.DONE, Map.of("trainLoss", Double.NaN, "auc", 0.7))));
    assertThat(h.series().get("trainLoss")).isEqualTo(Arrays.asList((Double) null));
    String json = io.fedge.federation.wire.WireCodec.mapper().writeValueAsString(h);
    assertThat(json).doesNotContain("NaN");
  }

  @Test
  void aJobWithoutCompletedRoundsHasAnEmptyHistory() {
    MetricsHistory h = MetricsHistory.of(List.of(row(1, 1, RoundState.COLLECTING, null)));
    assertThat(h.rounds()).isEmpty();
    assertThat(h.series()).isEmpty();
  }
}
