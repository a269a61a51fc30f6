package io.fedge.federation.horizontal;

import io.fedge.federation.model.LocalTrainer;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TrainParams;
import io.fedge.federation.model.TrainResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs horizontal rounds in one JVM: every client trains locally from the global model on its
 * own table, the strategy aggregates. No transport; the data never leaves its client's Table.
 */
final class InMemoryFederation {
  interface RoundListener {
    void afterRound(int round, double[] global, List<ClientUpdate> updates);
  }

  private InMemoryFederation() {}

  static double[] run(ModelSpec spec, List<Table> clients, Strategy strategy, TrainParams params,
      int rounds, RoundListener listener) {
    int d = clients.get(0).cols();
    double[] global = Models.create(spec, d).parameters();
    List<Model> models = new ArrayList<>();
    for (int k = 0; k < clients.size(); k++) {
      models.add(Models.create(spec, d));
    }
    for (int round = 1; round <= rounds; round++) {
      List<ClientUpdate> updates = localUpdates(models, clients, global, params, round);
      global = strategy.aggregate(global, updates);
      if (listener != null) {
        listener.afterRound(round, global, updates);
      }
    }
    return global;
  }

  static List<ClientUpdate> localUpdates(List<Model> models, List<Table> clients,
      double[] global, TrainParams params, int round) {
    List<ClientUpdate> updates = new ArrayList<>();
    for (int k = 0; k < clients.size(); k++) {
      Model m = models.get(k);
      m.setParameters(global);
      TrainParams p = new TrainParams(params.epochs(), params.batchSize(),
          params.learningRate(), params.l2(), params.proxMu(),
          params.seed() * 1_000_003L + round * 101L + k);
      TrainResult r = LocalTrainer.train(m, clients.get(k), p, global);
      updates.add(new ClientUpdate("client-" + k, r.parameters(), r.samples()));
    }
    return updates;
  }
}
