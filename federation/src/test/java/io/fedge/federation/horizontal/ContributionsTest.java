package io.fedge.federation.horizontal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.fedge.federation.model.FateData;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TrainParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three honest parties and one whose labels are flipped (a poisoner, or a party with broken
 * data) train from the same global model; scores use the breast test set as the owner's
 * validation data.
 */
class ContributionsTest {
  static double[] global;
  static List<ClientUpdate> updates;
  static Utility utility;

  @BeforeAll
  static void oneRound() {
    Table all = Table.concat(List.of(FateData.read("breast_homo_guest.csv"),
        FateData.read("breast_homo_host.csv")));
    List<Table> shards = new ArrayList<>(AnomalyDetectorTest.shards(all, 4, 5));
    Table bad = shards.get(3);
    double[] flipped = new double[bad.rows()];
    for (int i = 0; i < flipped.length; i++) {
      flipped[i] = 1 - bad.y()[i];
    }
    shards.set(3, new Table(bad.rows(), bad.cols(), bad.x(), flipped, bad.columns()));
    TrainParams params = new TrainParams(2, 16, 0.05, 0, 0, 3);
    global = Models.create(ModelSpec.logistic(), all.cols()).parameters();
    List<Model> models = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      models.add(Models.create(ModelSpec.logistic(), all.cols()));
    }
    updates = InMemoryFederation.localUpdates(models, shards, global, params, 1);
    Table validation = FateData.read("breast_homo_test.csv");
    utility = Utility.negativeLogLoss(Models.create(ModelSpec.logistic(), all.cols()), validation);
  }

  @Test
  void leaveOneOutRanksThePoisonerLastAndBelowZero() {
    List<Contribution> c = Contributions.leaveOneOut(new FedAvg(), global, updates, utility);
    c.forEach(x -> System.out.println("loo " + x));
    assertThat(c.get(3).score()).isNegative();
    for (int k = 0; k < 3; k++) {
      assertThat(c.get(k).score()).isGreaterThan(c.get(3).score());
      assertThat(c.get(k).method()).isEqualTo("leave-one-out");
    }
  }

  @Test
  void shapleyScoresSumToTheRoundsGainAndRankThePoisonerLast() {
    List<Contribution> c =
        Contributions.monteCarloShapley(new FedAvg(), global, updates, utility, 40, 0, 17);
    c.forEach(x -> System.out.println("shapley " + x));
    double gain = utility.of(new FedAvg().aggregate(global, updates)) - utility.of(global);
    double sum = c.stream().mapToDouble(Contribution::score).sum();
    // efficiency: without truncation every permutation's credits sum to the gain exactly
    assertThat(sum).isCloseTo(gain, offset(1e-9));
    assertThat(c.get(3).score()).isNegative();
    for (int k = 0; k < 3; k++) {
      assertThat(c.get(k).score()).isPositive();
    }
  }

  @Test
  void exactShapleyIsEfficientSymmetricAndTheMonteCarloEstimateConvergesToIt() {
    List<Contribution> exact = Contributions.exactShapley(new FedAvg(), global, updates, utility);
    exact.forEach(x -> System.out.println("exact " + x));
    double gain = utility.of(new FedAvg().aggregate(global, updates)) - utility.of(global);
    assertThat(exact.stream().mapToDouble(Contribution::score).sum())
        .isCloseTo(gain, offset(1e-9));
    List<Contribution> mc =
        Contributions.monteCarloShapley(new FedAvg(), global, updates, utility, 400, 0, 23);
    for (int k = 0; k < 4; k++) {
      assertThat(mc.get(k).score()).isCloseTo(exact.get(k).score(),
          offset(0.1 * Math.abs(exact.get(k).score()) + 0.01));
    }
    // symmetry: two identical updates get identical values
    List<ClientUpdate> twins = List.of(updates.get(0),
        new ClientUpdate("twin", updates.get(0).parameters(), updates.get(0).samples()),
        updates.get(3));
    List<Contribution> t = Contributions.exactShapley(new FedAvg(), global, twins, utility);
    assertThat(t.get(0).score()).isCloseTo(t.get(1).score(), offset(1e-12));
  }

  @Test
  void shapleyIsReproducibleForASeed() {
    assertThat(Contributions.monteCarloShapley(new FedAvg(), global, updates, utility, 5, 1e-3, 9))
        .isEqualTo(
            Contributions.monteCarloShapley(new FedAvg(), global, updates, utility, 5, 1e-3, 9));
  }
}
