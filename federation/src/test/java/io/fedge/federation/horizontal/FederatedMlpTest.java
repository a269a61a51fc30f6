package io.fedge.federation.horizontal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.model.FateData;
import io.fedge.federation.model.LocalTrainer;
import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TrainParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FedAvg works for the non-convex model too: all parties start from the same seeded MLP. */
class FederatedMlpTest {

  @Test
  void fedAvgMlpOnBreastHomoReachesTheCentrallyTrainedMlp() {
    Table guest = FateData.read("breast_homo_guest.csv");
    Table host = FateData.read("breast_homo_host.csv");
    Table test = FateData.read("breast_homo_test.csv");
    ModelSpec spec = ModelSpec.mlp(2, 11, 16);
    TrainParams params = new TrainParams(1, 16, 0.05, 1e-4, 0, 2);
    double[] global = InMemoryFederation.run(spec, List.of(guest, host), new FedAvg(), params, 30,
        null);
    Model federated = Models.create(spec, test.cols());
    federated.setParameters(global);

    Model central = Models.create(spec, test.cols());
    LocalTrainer.train(central, Table.concat(List.of(guest, host)),
        new TrainParams(30, 16, 0.05, 1e-4, 0, 2), null);

    double fed = Metrics.evaluate(federated, test).auc();
    double cen = Metrics.evaluate(central, test).auc();
    System.out.printf("mlp federated AUC %.4f, central %.4f%n", fed, cen);
    assertThat(cen).isGreaterThan(0.97);
    assertThat(fed).isGreaterThan(cen - 0.01);
  }
}
