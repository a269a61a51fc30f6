package io.fedge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.agent.dashboard.backend.TrainingEvent;
import io.fedge.federation.model.RocPoint;
import io.fedge.federation.rounds.LocalEvaluation;
import io.fedge.federation.rounds.RoundEnd;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a round's local evaluation reaches the training page: one event with the metrics and the curve. */
class EvaluationEventTest {
  @Test
  void aLocalEvaluationBecomesATrainingEventWithItsMetricsRocAndPlannedRounds() {
    RoundEnd end = new RoundEnd("churn", 3, 1, RoundEnd.DONE, null, "ab", 0.42, "g.churn.3.1");
    LocalEvaluation e = new LocalEvaluation("churn", 3, 1, 405, true, 0.86, 0.55, 0.83, 0.39,
        List.of(new RocPoint(0, 0, Double.POSITIVE_INFINITY), new RocPoint(0.2, 0.7, 0.4), new RocPoint(1, 1, 0.01)));
    TrainingEvent t = AgentDashboard.evaluationEvent(end, e, 8, Instant.EPOCH);
    assertThat(t.phase()).isEqualTo("evaluated");
    assertThat(t.round()).isEqualTo(3);
    assertThat(t.rounds()).isEqualTo(8);
    assertThat(t.progress()).isEqualTo(1.0);
    assertThat(t.loss()).isEqualTo(0.42); // the federation's training loss of the round
    assertThat(t.metrics()).containsEntry("auc", 0.86).containsEntry("ks", 0.55).containsEntry("accuracy", 0.83)
        .containsEntry("evalLoss", 0.39).containsEntry("evalRows", 405.0).containsEntry("heldOut", 1.0)
        .containsEntry("trainLoss", 0.42);
    assertThat(t.roc()).containsExactly(new TrainingEvent.RocPoint(0, 0), new TrainingEvent.RocPoint(0.2, 0.7),
        new TrainingEvent.RocPoint(1, 1));
  }

  @Test
  void metricsThatAreNotNumbersAreLeftOutRatherThanShownAsNaN() {
    RoundEnd end = new RoundEnd("m", 1, 1, RoundEnd.DONE, null, "ab", Double.NaN, "g.m.1.1");
    LocalEvaluation multiclass = new LocalEvaluation("m", 1, 1, 30, false, Double.NaN, Double.NaN, 0.7, 0.8, List.of());
    TrainingEvent t = AgentDashboard.evaluationEvent(end, multiclass, 0, Instant.EPOCH);
    assertThat(t.metrics()).doesNotContainKeys("auc", "ks", "trainLoss").containsEntry("heldOut", 0.0);
    assertThat(t.roc()).isEmpty();
  }
}
