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
 * Non-IID parties: the default-credit union is split by label so that one party holds 80% of the
 * defaulters and another almost none, and each
 * party trains several local epochs per round, which makes plain FedAvg clients drift apart.
 */
class FedProxNonIidTest {

  @Test
  void fedProxConvergesOnLabelSkewedPartiesAndKeepsClientsCloserToTheGlobalModel() {
    List<Table> raw = List.of(FateData.read("default_credit_homo_guest.csv"),
        FateData.read("default_credit_homo_host_1.csv"),
        FateData.read("default_credit_homo_host_2.csv"));
    Table union = Table.concat(raw);
    Scaler scaler = Scaler.fit(union);
    Table all = scaler.transform(union);
    Table test = scaler.transform(FateData.read("default_credit_homo_test.csv"));
    List<Table> parties = labelSkew(all);
    for (Table p : parties) {
      System.out.printf("party: %d rows, %.2f positive%n", p.rows(), positiveRate(p));
    }
    TrainParams prox = new TrainParams(5, 64, 0.05, 0, 0.5, 4);
    TrainParams plain = new TrainParams(5, 64, 0.05, 0, 0, 4);
    Run fedProx = run(parties, new FedProx(0.5), prox, test, 15);
    Run fedAvg = run(parties, new FedAvg(), plain, test, 15);
    double central = TribuoReference.centralLogisticAuc(all, test, 10, 0.1, 1);
    System.out.printf("central %.4f; fedprox %s; fedavg %s%n", central, fedProx, fedAvg);

    assertThat(fedProx.aucs.get(fedProx.aucs.size() - 1)).isGreaterThan(central - 0.02);
    // converged: the global model moves far less in the last rounds than in the first
    assertThat(fedProx.steps.get(fedProx.steps.size() - 1))
        .isLessThan(0.1 * fedProx.steps.get(0));
    // the proximal term keeps the local models closer to the global one than FedAvg's do
    assertThat(fedProx.meanDrift()).isLessThan(fedAvg.meanDrift());
  }

  record Run(List<Double> aucs, List<Double> steps, List<Double> drift) {
    double meanDrift() {
      return drift.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
  }

  static Run run(List<Table> parties, Strategy s, TrainParams p, Table test, int rounds) {
    Model eval = Models.create(ModelSpec.logistic(), test.cols());
    List<Double> aucs = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    List<Double> drift = new ArrayList<>();
    double[][] previous = {Models.create(ModelSpec.logistic(), test.cols()).parameters()};
    InMemoryFederation.run(ModelSpec.logistic(), parties, s, p, rounds, (round, g, updates) -> {
      eval.setParameters(g);
      aucs.add(Metrics.evaluate(eval, test).auc());
      double d = 0;
      for (ClientUpdate u : updates) {
        d += distance(u.parameters(), previous[0]);
      }
      drift.add(d / updates.size());
      steps.add(distance(g, previous[0]));
      previous[0] = g;
    });
    return new Run(aucs, steps, drift);
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  static double positiveRate(Table t) {
    double s = 0;
    for (double v : t.y()) {
      s += v;
    }
    return s / t.rows();
  }

  /** 80% of the positives to party 0, 5% to party 1, the rest to party 2; negatives evenly. */
  static List<Table> labelSkew(Table t) {
    List<List<Integer>> idx = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    int pos = 0;
    int neg = 0;
    for (int r = 0; r < t.rows(); r++) {
      if (t.y()[r] == 1) {
        int slot = pos++ % 20;
        idx.get(slot < 16 ? 0 : slot < 17 ? 1 : 2).add(r);
      } else {
        idx.get(neg++ % 3).add(r);
      }
    }
    List<Table> out = new ArrayList<>();
    for (List<Integer> l : idx) {
      out.add(t.select(l.stream().mapToInt(Integer::intValue).toArray()));
    }
    return out;
  }
}
