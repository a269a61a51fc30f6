package io.fedge.federation.horizontal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.model.FateData;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TrainParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Honest updates trained on shards of the breast data pass; planted attacks are caught. */
class AnomalyDetectorTest {
  static double[] global;
  static List<ClientUpdate> honest;

  @BeforeAll
  static void trainHonestClients() {
    Table all = Table.concat(List.of(FateData.read("breast_homo_guest.csv"),
        FateData.read("breast_homo_host.csv")));
    List<Table> shards = shards(all, 8, 3);
    TrainParams params = new TrainParams(1, 16, 0.05, 0, 0, 7);
    // a global model after two rounds, as in the middle of a job
    global = InMemoryFederation.run(ModelSpec.logistic(), shards, new FedAvg(), params, 2, null);
    List<Model> models = new ArrayList<>();
    for (int k = 0; k < shards.size(); k++) {
      models.add(Models.create(ModelSpec.logistic(), all.cols()));
    }
    honest = InMemoryFederation.localUpdates(models, shards, global, params, 3);
  }

  static List<Table> shards(Table t, int n, long seed) {
    int[] perm = permutation(t.rows(), seed);
    List<Table> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int from = k * t.rows() / n;
      int to = (k + 1) * t.rows() / n;
      out.add(t.select(Arrays.copyOfRange(perm, from, to)));
    }
    return out;
  }

  static int[] permutation(int n, long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  static ClientUpdate attack(String id, ClientUpdate base, double factor) {
    double[] w = new double[global.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = global[i] + factor * (base.parameters()[i] - global[i]);
    }
    return new ClientUpdate(id, w, base.samples());
  }

  @Test
  void honestUpdatesAreAllAccepted() {
    AnomalyReport r = new AnomalyDetector().screen(global, honest);
    r.verdicts().forEach(v -> System.out.printf("%s norm %.4f z %.2f cos %.3f%n",
        v.clientId(), v.norm(), v.normZ(), v.cosine()));
    assertThat(r.flagged()).isEmpty();
    assertThat(r.accepted()).hasSize(honest.size());
    assertThat(r.note()).isNull();
  }

  @Test
  void scaledAndSignFlippedUpdatesAreFlaggedWithTheirReasonAndExcluded() {
    List<ClientUpdate> round = new ArrayList<>(honest);
    round.add(attack("scaled", honest.get(0), 10));
    round.add(attack("flipped", honest.get(1), -1));
    AnomalyReport r = new AnomalyDetector().screen(global, round);
    assertThat(r.flagged()).extracting(AnomalyReport.Verdict::clientId)
        .containsExactlyInAnyOrder("scaled", "flipped");
    AnomalyReport.Verdict scaled = r.verdicts().get(honest.size());
    AnomalyReport.Verdict flipped = r.verdicts().get(honest.size() + 1);
    assertThat(scaled.reasons()).anyMatch(s -> s.startsWith("norm outlier"));
    assertThat(flipped.reasons()).anyMatch(s -> s.startsWith("direction outlier"));
    assertThat(flipped.cosine()).isNegative();
    assertThat(r.accepted()).containsExactlyElementsOf(honest);
  }

  @Test
  void aSlightlyLargerHonestNormIsNotAnOutlierWhenHonestNormsAgreeClosely() {
    List<ClientUpdate> round = new ArrayList<>(honest);
    round.add(attack("keen", honest.get(0), 1.3)); // 30% larger step, same direction
    assertThat(new AnomalyDetector().screen(global, round).flagged()).isEmpty();
    round.add(attack("scaled", honest.get(0), 3)); // three times the step
    assertThat(new AnomalyDetector().screen(global, round).flagged())
        .extracting(AnomalyReport.Verdict::clientId).containsExactly("scaled");
  }

  @Test
  void nonFiniteAndWrongLengthUpdatesAreFlaggedEvenInTinyRounds() {
    double[] nan = honest.get(0).parameters().clone();
    nan[2] = Double.NaN;
    List<ClientUpdate> round = List.of(honest.get(1), new ClientUpdate("nan", nan, 5),
        new ClientUpdate("short", new double[3], 5));
    AnomalyReport r = new AnomalyDetector().screen(global, round);
    assertThat(r.flagged()).extracting(AnomalyReport.Verdict::clientId)
        .containsExactly("nan", "short");
    assertThat(r.verdicts().get(1).reasons()).containsExactly("non-finite: NaN or infinite parameters");
    assertThat(r.note()).contains("norm and direction checks skipped");
    assertThat(r.accepted()).containsExactly(honest.get(1));
  }

  @Test
  void externalReasonsSuchAsBadSignaturesExcludeToo() {
    AnomalyReport r = new AnomalyDetector().screen(global, honest)
        .withFlag(honest.get(2).clientId(), "bad signature");
    assertThat(r.flagged()).singleElement()
        .satisfies(v -> assertThat(v.reasons()).containsExactly("bad signature"));
    assertThat(r.accepted()).hasSize(honest.size() - 1).doesNotContain(honest.get(2));
  }
}
