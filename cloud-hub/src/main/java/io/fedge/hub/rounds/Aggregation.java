package io.fedge.hub.rounds;

import io.fedge.federation.dp.RdpAccountant;
import io.fedge.federation.horizontal.AnomalyDetector;
import io.fedge.federation.horizontal.AnomalyReport;
import io.fedge.federation.horizontal.ClientUpdate;
import io.fedge.federation.horizontal.Contribution;
import io.fedge.federation.horizontal.Contributions;
import io.fedge.federation.horizontal.FedAvg;
import io.fedge.federation.horizontal.Strategy;
import io.fedge.federation.horizontal.Utility;
import io.fedge.federation.model.Evaluation;
import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.rounds.UpdatePayload;
import io.fedge.federation.secagg.SecAggResult;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's arithmetic at the end of an attempt, over the ML core: federated scaling from summed
 * moments, FedAvg/FedProx with anomaly screening and leave-one-out contributions on plaintext
 * updates, FedAvg from the secure sum, and evaluation on the job owner's validation data.
 */
final class Aggregation {
  /** The outcome of aggregating one attempt. */
  record Result(
      double[] global,
      Scaler scaler,
      List<String> participants,
      Map<String, Double> metrics,
      Map<String, Double> contributions,
      Map<String, String> anomalies) {}

  private Aggregation() {}

  static Result scale(Map<String, UpdatePayload> updates) {
    Scaler.Moments sum = null;
    for (UpdatePayload p : new java.util.TreeMap<>(updates).values()) {
      Scaler.Moments m = Scaler.Moments.fromVector(p.values());
      sum = sum == null ? m : sum.plus(m);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("rows", (double) sum.count());
    return new Result(null, Scaler.fromMoments(sum), List.copyOf(updates.keySet()), metrics, Map.of(), Map.of());
  }

  static Result plain(JobSpec spec, double[] global, Map<String, UpdatePayload> updates, Table validation,
      int roundsDone) {
    boolean dp = spec.dp() != null;
    List<ClientUpdate> list = new ArrayList<>();
    Map<String, Double> losses = new LinkedHashMap<>();
    // in device order, so the floating-point sums do not depend on arrival order
    for (Map.Entry<String, UpdatePayload> e : new java.util.TreeMap<>(updates).entrySet()) {
      UpdatePayload p = e.getValue();
      // Under DP each client's clipped delta counts once: sample weights would exceed the clip bound.
      list.add(new ClientUpdate(e.getKey(), p.values(), dp ? 1 : Math.max(1, p.sampleCount())));
      losses.put(e.getKey(), p.loss());
    }
    AnomalyReport report = new AnomalyDetector().screen(global, list);
    Map<String, String> anomalies = new LinkedHashMap<>();
    for (AnomalyReport.Verdict v : report.flagged()) {
      anomalies.put(v.clientId(), String.join("; ", v.reasons()));
    }
    List<ClientUpdate> accepted = report.accepted();
    if (accepted.size() < spec.quorum()) {
      throw new IllegalStateException(accepted.size() + " acceptable updates (" + anomalies.size()
          + " flagged), fewer than the quorum " + spec.quorum());
    }
    Strategy strategy = Strategy.named(spec.strategy(), spec.proxMu());
    double[] next = strategy.aggregate(global, accepted);
    Map<String, Double> contributions = new LinkedHashMap<>();
    Model model = Models.create(JobParser.modelSpec(spec.model()), spec.features().size());
    if (validation != null && accepted.size() >= 2 && model.outputs() == 1) {
      for (Contribution c : Contributions.leaveOneOut(strategy, global, accepted, Utility.auc(model, validation))) {
        contributions.put(c.clientId(), c.score());
      }
    }
    Map<String, Double> metrics = evaluate(spec, next, validation, roundsDone);
    double lossSum = 0;
    long n = 0;
    for (ClientUpdate u : accepted) {
      lossSum += losses.get(u.clientId()) * u.samples();
      n += u.samples();
    }
    metrics.put("trainLoss", lossSum / n);
    List<String> participants = accepted.stream().map(ClientUpdate::clientId).toList();
    return new Result(next, null, participants, metrics, contributions, anomalies);
  }

  static Result secure(JobSpec spec, SecAggResult sum, List<String> contributors, double lossMean, Table validation,
      int roundsDone) {
    double[] next = FedAvg.fromSum(sum.decodedSum());
    Map<String, Double> metrics = evaluate(spec, next, validation, roundsDone);
    metrics.put("trainLoss", lossMean);
    return new Result(next, null, contributors, metrics, Map.of(), Map.of());
  }

  static Map<String, Double> evaluate(JobSpec spec, double[] params, Table validation, int roundsDone) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (validation != null) {
      Model model = Models.create(JobParser.modelSpec(spec.model()), spec.features().size());
      model.setParameters(params);
      if (model.outputs() == 1) {
        Evaluation e = Metrics.evaluate(model, validation);
        m.put("auc", e.auc());
        m.put("ks", e.ks());
        m.put("accuracy", e.accuracy());
        m.put("liftAt10", e.liftAt10());
        m.put("logLoss", e.logLoss());
      } else {
        m.put("accuracy", Metrics.evaluateMulticlass(model, validation).accuracy());
      }
    }
    if (spec.dp() != null) {
      double z = spec.dp().get("noiseMultiplier").asDouble();
      double delta = spec.dp().has("delta") ? spec.dp().get("delta").asDouble() : 1e-5;
      m.put("epsilon", z > 0 ? RdpAccountant.epsilon(z, 1.0, roundsDone, delta) : Double.POSITIVE_INFINITY);
      m.put("delta", delta);
    }
    return m;
  }

  static byte[] encode(double[] params) {
    ByteBuffer b = ByteBuffer.allocate(8 * params.length);
    b.asDoubleBuffer().put(params);
    return b.array();
  }

  static double[] decode(byte[] bytes) {
    double[] p = new double[bytes.length / 8];
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(p);
    return p;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
