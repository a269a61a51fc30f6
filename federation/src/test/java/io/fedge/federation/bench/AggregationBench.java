package io.fedge.federation.bench;

import io.fedge.federation.horizontal.AnomalyDetector;
import io.fedge.federation.horizontal.ClientUpdate;
import io.fedge.federation.horizontal.FedAvg;
import io.fedge.federation.model.FateData;
import io.fedge.federation.model.LocalTrainer;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TrainParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Benchmark main for the federated-learning core (not a test). Prints a Markdown table.
 *
 * <ul>
 *   <li>hub aggregation: FedAvg of 100 client updates of 100,000 parameters, against a plain sum
 *       of the same 100 arrays (the memory-bandwidth floor) in the same run; anomaly screening of
 *       the same round;
 *   <li>local training: samples/s of one SGD epoch for logistic regression and an MLP on the
 *       default-credit union (24,000 rows, 23 features), against one prediction pass of the same
 *       model over the same rows.
 * </ul>
 *
 * Run: {@code mvn -q -o -pl federation test-compile && java -cp
 * federation/target/classes:federation/target/test-classes
 * io.fedge.federation.bench.AggregationBench}
 */
public final class AggregationBench {
  static volatile double sink;

  public static void main(String[] args) {
    int clients = 100;
    int params = 100_000;
    List<ClientUpdate> updates = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(1);
    for (int k = 0; k < clients; k++) {
      double[] w = new double[params];
      for (int i = 0; i < params; i++) {
        w[i] = r.nextGaussian() * 0.01;
      }
      updates.add(new ClientUpdate("c" + k, w, 100 + r.nextInt(1000)));
    }
    double[] global = new double[params];
    FedAvg fedAvg = new FedAvg();

    double sumNs = time(30, () -> {
      double[] s = new double[params];
      for (ClientUpdate u : updates) {
        double[] w = u.parameters();
        for (int i = 0; i < params; i++) {
          s[i] += w[i];
        }
      }
      sink += s[7];
    });
    double avgNs = time(30, () -> sink += fedAvg.aggregate(global, updates)[7]);
    AnomalyDetector detector = new AnomalyDetector();
    double screenNs = time(5, () -> sink += detector.screen(global, updates).accepted().size());

    Table credit = creditUnion();
    List<String> rows = new ArrayList<>();
    row(rows, "FedAvg, 100 clients x 100,000 params (one round)", avgNs,
        clients / (avgNs / 1e9), "updates/s", sumNs, "plain sum of the same arrays");
    rows.add(String.format(Locale.ROOT, "| (same) parameters per second | %.3g params/s | %.3g params/s | |",
        (double) clients * params / (avgNs / 1e9), (double) clients * params / (sumNs / 1e9)));
    row(rows, "anomaly screening of that round (norms, coordinate-wise median, cosines)", screenNs,
        clients / (screenNs / 1e9), "updates/s", sumNs, "plain sum of the same arrays");
    for (ModelSpec spec : List.of(ModelSpec.logistic(), ModelSpec.mlp(2, 1, 32, 16))) {
      Model m = Models.create(spec, credit.cols());
      TrainParams p = new TrainParams(1, 64, 0.01, 0, 0, 1);
      double trainNs = time(20, () -> sink += LocalTrainer.train(m, credit, p, null).loss());
      double[] out = new double[credit.rows()];
      double predictNs = time(20, () -> {
        m.predict(credit, out);
        sink += out[3];
      });
      row(rows, "local SGD epoch, " + describe(spec) + ", batch 64, " + credit.rows() + " rows x "
          + credit.cols() + " features (" + m.parameterCount() + " params)", trainNs,
          credit.rows() / (trainNs / 1e9), "samples/s", predictNs,
          "one prediction pass (" + String.format(Locale.ROOT, "%.3g", credit.rows()
              / (predictNs / 1e9)) + " samples/s)");
    }
    Model mlp = Models.create(ModelSpec.mlp(2, 1, 32, 16), credit.cols());
    double[] out = new double[credit.rows()];
    double blockedNs = time(30, () -> {
      mlp.predict(credit, out);
      sink += out[5];
    });
    double[] mlpParams = mlp.parameters();
    double naiveNs = time(30, () -> sink += naiveMlpForward(mlpParams,
        new int[] {credit.cols(), 32, 16, 1}, credit)[5]);
    row(rows, "MLP [32, 16] prediction pass, four output units per sweep of the inputs", blockedNs,
        credit.rows() / (blockedNs / 1e9), "samples/s", naiveNs,
        "the same forward pass one unit per sweep");
    System.out.println("| figure | time | rate | baseline (same run) | ratio to baseline time |");
    System.out.println("|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "%nJVM %s, %d cores available%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
  }

  /** Baseline: the textbook forward pass of the same layout, one dot product at a time. */
  static double[] naiveMlpForward(double[] params, int[] sizes, Table t) {
    int layers = sizes.length - 1;
    int d = sizes[0];
    double[] out = new double[t.rows()];
    double[][] act = new double[layers + 1][];
    for (int r = 0; r < t.rows(); r++) {
      act[0] = java.util.Arrays.copyOfRange(t.x(), r * d, (r + 1) * d);
      int at = 0;
      for (int l = 1; l <= layers; l++) {
        int ni = sizes[l - 1];
        int no = sizes[l];
        int b0 = at + ni * no;
        act[l] = new double[no];
        for (int o = 0; o < no; o++) {
          double acc = params[b0 + o];
          for (int i = 0; i < ni; i++) {
            acc += params[at + o * ni + i] * act[l - 1][i];
          }
          act[l][o] = l < layers && acc < 0 ? 0 : acc;
        }
        at = b0 + no;
      }
      out[r] = 1 / (1 + Math.exp(-act[layers][0]));
    }
    return out;
  }

  private static String describe(ModelSpec s) {
    return s.type().equals("mlp") ? "MLP " + java.util.Arrays.toString(s.hidden()) : s.type();
  }

  private static void row(List<String> rows, String what, double ns, double rate, String unit,
      double baseNs, String baseline) {
    rows.add(String.format(Locale.ROOT, "| %s | %.2f ms | %.3g %s | %s: %.2f ms | %.2f |", what,
        ns / 1e6, rate, unit, baseline, baseNs / 1e6, ns / baseNs));
  }

  private static Table creditUnion() {
    Table t = Table.concat(List.of(FateData.read("default_credit_homo_guest.csv"),
        FateData.read("default_credit_homo_host_1.csv"),
        FateData.read("default_credit_homo_host_2.csv")));
    return Scaler.fit(t).transform(t);
  }

  /**
   * Shortest wall time of {@code reps} runs after as many warm-up runs. The minimum, not the
   * median: on a shared two-core machine the other runs measure the neighbours' load.
   */
  private static double time(int reps, Runnable task) {
    for (int i = 0; i < reps; i++) {
      task.run();
    }
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < reps; i++) {
      long s = System.nanoTime();
      task.run();
      best = Math.min(best, System.nanoTime() - s);
    }
    return best;
  }
}
