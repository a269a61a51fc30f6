package io.fedge.federation.horizontal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.model.FateData;
import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TrainParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FedAvg logistic regression over the FATE horizontal splits, each party's file kept apart,
 * reaches the test AUC of logistic regression trained centrally on the union by Tribuo.
 */
class FederatedLogisticRegressionTest {

  @Test
  void fedAvgOnBreastHomoMatchesCentralTribuoAuc() {
    assertFederatedMatchesCentral(
        List.of("breast_homo_guest.csv", "breast_homo_host.csv"), "breast_homo_test.csv",
        new TrainParams(1, 16, 0.05, 0, 0, 1), 30);
  }

  @Test
  void fedAvgOnDefaultCreditHomoMatchesCentralTribuoAuc() {
    assertFederatedMatchesCentral(
        List.of("default_credit_homo_guest.csv", "default_credit_homo_host_1.csv",
            "default_credit_homo_host_2.csv"),
        "default_credit_homo_test.csv", new TrainParams(1, 64, 0.05, 0, 0, 1), 20);
  }

  private static void assertFederatedMatchesCentral(List<String> partyFiles, String testFile,
      TrainParams params, int rounds) {
    List<Table> raw = new ArrayList<>();
    for (String f : partyFiles) {
      raw.add(FateData.read(f));
    }
    // Federated standardisation: only the parties' summed moments are shared.
    Scaler.Moments m = Scaler.Moments.of(raw.get(0));
    for (int k = 1; k < raw.size(); k++) {
      m = m.plus(Scaler.Moments.of(raw.get(k)));
    }
    Scaler scaler = Scaler.fromMoments(m);
    List<Table> parties = raw.stream().map(scaler::transform).toList();
    Table test = scaler.transform(FateData.read(testFile));

    List<Double> aucs = new ArrayList<>();
    Model eval = Models.create(ModelSpec.logistic(), test.cols());
    double[] global = InMemoryFederation.run(ModelSpec.logistic(), parties, new FedAvg(), params,
        rounds, (round, g, updates) -> {
          eval.setParameters(g);
          aucs.add(Metrics.evaluate(eval, test).auc());
        });
    eval.setParameters(global);
    double federated = Metrics.evaluate(eval, test).auc();
    double central = TribuoReference.centralLogisticAuc(Table.concat(parties), test, 10, 0.1, 1);
    System.out.printf("%s: federated AUC %.4f after %d rounds (per round %s), Tribuo central %.4f%n",
        testFile, federated, rounds, aucs, central);
    assertThat(central).as("central reference AUC").isGreaterThan(0.6);
    assertThat(federated).isCloseTo(central, org.assertj.core.data.Offset.offset(0.01));
  }
}
