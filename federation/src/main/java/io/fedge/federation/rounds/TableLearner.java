package io.fedge.federation.rounds;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.dp.GaussianMechanism;
import io.fedge.federation.model.LocalTrainer;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TrainParams;
import io.fedge.federation.model.TrainResult;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LocalLearner} over a local {@link Table}: moments for federated scaling, then the ML core's
 * {@link LocalTrainer} (FedAvg, or FedProx with the invite's proximal term), and, when the job asks
 * for differential privacy, the clipped delta plus this client's share of Gaussian noise.
 */
public final class TableLearner implements LocalLearner {
  /** Loads the rows a job may read (the caller enforces consent). */
  @FunctionalInterface
  public interface Data {
    Table load(RoundInvite invite) throws Exception;
  }

  private final Data data;

  public TableLearner(Data data) {
    this.data = data;
  }

  @Override
  public Outcome columnStats(RoundInvite invite) throws Exception {
    Table t = features(invite);
    return new Outcome(Scaler.Moments.of(t).toVector(), t.rows(), 0);
  }

  @Override
  public Outcome train(RoundInvite invite, double[] global) throws Exception {
    Table t = features(invite);
    if (invite.scalerMean() != null) {
      t = new Scaler(invite.scalerMean(), invite.scalerStd()).transform(t);
    }
    Model model = Models.create(modelSpec(invite.model()), t.cols());
    if (model.parameterCount() != global.length) {
      throw new IllegalArgumentException("the global model has " + global.length + " parameters, this model "
          + model.parameterCount());
    }
    model.setParameters(global);
    JsonNode h = invite.hyper();
    TrainParams p = new TrainParams(
        h.path("localEpochs").asInt(1), h.path("batchSize").asInt(32), h.path("learningRate").asDouble(0.1),
        h.path("l2").asDouble(0), h.path("proxMu").asDouble(0), 1000L * invite.round() + invite.attempt());
    TrainResult r = LocalTrainer.train(model, t, p, global);
    double[] params = r.parameters();
    if (invite.dpEnabled()) {
      GaussianMechanism g = GaussianMechanism.secure(
          invite.dp().get("clipNorm").asDouble(), invite.dp().get("noiseMultiplier").asDouble());
      double[] delta = g.clipAndNoise(params, global, invite.participants().size());
      params = global.clone();
      for (int i = 0; i < params.length; i++) {
        params[i] += delta[i];
      }
      return new Outcome(params, 1, r.loss());
    }
    return new Outcome(params, r.samples(), r.loss());
  }

  private Table features(RoundInvite invite) throws Exception {
    List<String> features = new ArrayList<>();
    invite.hyper().path("featureList").forEach(n -> features.add(n.asText()));
    return TableColumns.project(data.load(invite), features);
  }

  /** The ML core's model specification from a job's {@code model} object. */
  public static ModelSpec modelSpec(JsonNode model) {
    String type = model.path("type").asText();
    int classes = model.path("classes").asInt(2);
    JsonNode h = model.path("hidden");
    int[] hidden = new int[h.isArray() ? h.size() : 0];
    for (int i = 0; i < hidden.length; i++) {
      hidden[i] = h.get(i).asInt();
    }
    return new ModelSpec(type, classes, hidden, model.path("seed").asLong(1));
  }
}
