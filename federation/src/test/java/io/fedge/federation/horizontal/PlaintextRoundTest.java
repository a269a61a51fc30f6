package io.fedge.federation.horizontal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.model.FateData;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaintextRoundTest {

  @Test
  void flaggedUpdatesAreLeftOutOfTheModelAndTheScores() {
    AnomalyDetectorTest.trainHonestClients();
    double[] global = AnomalyDetectorTest.global;
    List<ClientUpdate> round = new ArrayList<>(AnomalyDetectorTest.honest);
    round.add(AnomalyDetectorTest.attack("flipped", round.get(0), -1));
    Utility auc = Utility.auc(Models.create(ModelSpec.logistic(), 30),
        FateData.read("breast_homo_test.csv"));
    PlaintextRound step = new PlaintextRound(new FedAvg(), new AnomalyDetector(), auc,
        PlaintextRound.Scoring.LEAVE_ONE_OUT, 1);
    PlaintextRound.Outcome o = step.run(global, round, Map.of("client-5", "bad signature"));

    List<ClientUpdate> expected = new ArrayList<>(AnomalyDetectorTest.honest);
    expected.remove(5);
    assertThat(o.nextGlobal()).containsExactly(new FedAvg().aggregate(global, expected));
    assertThat(o.report().flagged()).extracting(AnomalyReport.Verdict::clientId)
        .containsExactlyInAnyOrder("flipped", "client-5");
    assertThat(o.contributions()).extracting(Contribution::clientId)
        .hasSize(7).doesNotContain("flipped", "client-5");
    assertThat(o.utilityAfter()).isGreaterThanOrEqualTo(o.utilityBefore() - 0.005);
  }

  @Test
  void aRoundWithEveryUpdateFlaggedFailsInsteadOfReturningAModel() {
    PlaintextRound step = new PlaintextRound(new FedAvg(), new AnomalyDetector(), null,
        PlaintextRound.Scoring.NONE, 1);
    double[] nan = {Double.NaN, 0};
    assertThatThrownBy(() -> step.run(new double[2], List.of(new ClientUpdate("a", nan, 3)),
        Map.of())).hasMessageContaining("all 1 updates were flagged");
    assertThatThrownBy(() -> new PlaintextRound(new FedAvg(), new AnomalyDetector(), null,
        PlaintextRound.Scoring.SHAPLEY, 1)).hasMessageContaining("validation data");
  }
}
