package io.fedge.federation.rounds;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.dp.GaussianMechanism;
import io.fedge.federation.model.Evaluation;
import io.fedge.federation.model.LocalTrainer;
import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.MulticlassEvaluation;
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
 * for differential privacy, the clipped delta plus this client's share of Gaussian noise. A seeded
 * share of the rows is held out of all of that ({@link #parts}) and scores each round's global
 * model locally ({@link #evaluate}).
 */
public final class TableLearner implements LocalLearner {
  /** Loads the rows a job may read (the caller enforces consent). */
  @FunctionalInterface
  public interface Data {
    Table load(RoundInvite invite) throws Exception;
  }

  /** Share of a site's rows held out from training to evaluate each round's global model on. */
  public static final double DEFAULT_HOLDOUT = 0.2;
  /** Largest {@code evalHoldout} a job may ask for. */
  public static final double MAX_HOLDOUT = 0.5;
  /** Below this many rows a site holds nothing out and evaluates on its training rows. */
  public static final int MIN_ROWS_FOR_HOLDOUT = 20;

  private final Data data;

  public TableLearner(Data data) {
    this.data = data;
  }

  @Override
  public Outcome columnStats(RoundInvite invite) throws Exception {
    Table t = parts(invite).train();
    return new Outcome(Scaler.Moments.of(t).toVector(), t.rows(), 0);
  }

  @Override
  public Outcome train(RoundInvite invite, double[] global) throws Exception {
    Table t = scaled(invite, parts(invite).train());
    Model model = globalModel(invite, t.cols(), global);
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

  @Override
  public LocalEvaluation evaluate(RoundInvite invite, double[] global) throws Exception {
    Parts p = parts(invite);
    boolean heldOut = p.holdout() != null;
    Table t = scaled(invite, heldOut ? p.holdout() : p.train());
    Model model = globalModel(invite, t.cols(), global);
    if (model.outputs() == 1) {
      double[] score = model.predict(t);
      Evaluation e = Metrics.evaluate(score, t.y());
      return new LocalEvaluation(invite.jobId(), invite.round(), invite.attempt(), t.rows(), heldOut, e.auc(), e.ks(),
          e.accuracy(), e.logLoss(), Metrics.roc(score, t.y()));
    }
    MulticlassEvaluation e = Metrics.evaluateMulticlass(model, t);
    return new LocalEvaluation(invite.jobId(), invite.round(), invite.attempt(), t.rows(), heldOut, Double.NaN,
        Double.NaN, e.accuracy(), e.logLoss(), List.of());
  }

  /** A site's rows split into what it trains on and the local holdout it evaluates on (null: none). */
  record Parts(Table train, Table holdout) {}

  /**
   * The job's rows, split: row i (in the order the data source returns them) is held out when a
   * hash of ({@link #holdoutSeed}, i) falls in the job's {@code evalHoldout} share (default {@link
   * #DEFAULT_HOLDOUT}). Per row, not per shuffle, so rows added to the dataset between rounds never
   * move an earlier row between the parts. Sites with fewer than {@link #MIN_ROWS_FOR_HOLDOUT} rows,
   * or whose holdout would lack a row or leave no training row, hold nothing out.
   */
  Parts parts(RoundInvite invite) throws Exception {
    List<String> features = new ArrayList<>();
    invite.hyper().path("featureList").forEach(n -> features.add(n.asText()));
    Table all = TableColumns.project(data.load(invite), features);
    double share = holdoutShare(invite);
    if (all.rows() < MIN_ROWS_FOR_HOLDOUT || share == 0) {
      return new Parts(all, null);
    }
    long seed = holdoutSeed(invite);
    int[] test = new int[all.rows()];
    int[] train = new int[all.rows()];
    int nt = 0;
    int nr = 0;
    for (int i = 0; i < all.rows(); i++) {
      if (heldOut(seed, i, share)) {
        test[nt++] = i;
      } else {
        train[nr++] = i;
      }
    }
    if (nt == 0 || nr == 0) {
      return new Parts(all, null);
    }
    return new Parts(all.select(java.util.Arrays.copyOf(train, nr)), all.select(java.util.Arrays.copyOf(test, nt)));
  }

  /**
   * The split's seed: the name of the dataset the job reads its label from (else the job id), so
   * every job over the same dataset holds out the same rows and their evaluations are comparable.
   */
  static long holdoutSeed(RoundInvite invite) {
    return invite.reads().stream().filter(r -> r.columns().contains(invite.label())).map(DatasetRead::dataset)
        .findFirst().orElse(invite.jobId()).hashCode();
  }

  /** The job's {@code hyper.evalHoldout}, else {@link #DEFAULT_HOLDOUT}; must lie in [0, 0.5]. */
  static double holdoutShare(RoundInvite invite) {
    JsonNode h = invite.hyper().path("evalHoldout");
    double share = h.isNumber() ? h.doubleValue() : DEFAULT_HOLDOUT;
    if (!(share >= 0 && share <= MAX_HOLDOUT)) {
      throw new IllegalArgumentException("hyper.evalHoldout must be in [0, " + MAX_HOLDOUT + "], got " + share);
    }
    return share;
  }

  /** Whether row {@code row} is in the holdout: SplitMix64's finaliser over (seed, row), uniform in [0, 1). */
  static boolean heldOut(long seed, int row, double share) {
    long z = seed + (row + 1L) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53 < share;
  }

  private static Table scaled(RoundInvite invite, Table t) {
    return invite.scalerMean() == null ? t : new Scaler(invite.scalerMean(), invite.scalerStd()).transform(t);
  }

  private static Model globalModel(RoundInvite invite, int features, double[] global) {
    Model model = Models.create(modelSpec(invite.model()), features);
    if (model.parameterCount() != global.length) {
      throw new IllegalArgumentException("the global model has " + global.length + " parameters, this model "
          + model.parameterCount());
    }
    model.setParameters(global);
    return model;
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
