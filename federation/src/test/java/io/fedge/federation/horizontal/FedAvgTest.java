package io.fedge.federation.horizontal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.fedge.federation.secagg.FixedPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FedAvgTest {

  @Test
  void weightsEachUpdateByItsSampleCount() {
    double[] out = new FedAvg().aggregate(new double[2], List.of(
        new ClientUpdate("a", new double[] {1, 10}, 1),
        new ClientUpdate("b", new double[] {4, 40}, 3)));
    assertThat(out).containsExactly(new double[] {3.25, 32.5}, offset(1e-12));
  }

  @Test
  void rejectsEmptyRoundsAndWrongLengths() {
    assertThatThrownBy(() -> new FedAvg().aggregate(new double[2], List.of()))
        .hasMessageContaining("no updates");
    assertThatThrownBy(() -> new FedAvg().aggregate(new double[2],
        List.of(new ClientUpdate("a", new double[3], 1))))
        .hasMessageContaining("update from a has 3 parameters, the model has 2");
    assertThatThrownBy(() -> new ClientUpdate("a", new double[1], 0))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new FedProx(0)).hasMessageContaining("mu > 0");
  }

  @Test
  void fedProxAggregatesLikeFedAvg() {
    List<ClientUpdate> u = randomUpdates(5, 50, 3);
    assertThat(new FedProx(0.1).aggregate(new double[50], u))
        .containsExactly(new FedAvg().aggregate(new double[50], u));
    assertThat(Strategy.named("fedprox", 0.1).name()).isEqualTo("fedprox");
    assertThat(Strategy.named("fedavg", 0).name()).isEqualTo("fedavg");
  }

  @Test
  void averageFromASumEqualsTheAverageOfTheUpdates() {
    List<ClientUpdate> u = randomUpdates(7, 100, 11);
    double[] expected = new FedAvg().aggregate(new double[100], u);
    double[] sum = new double[101];
    long total = 0;
    for (ClientUpdate c : u) {
      double[] w = FedAvg.weightedInput(c.parameters(), c.samples());
      for (int i = 0; i < w.length; i++) {
        sum[i] += w[i];
      }
      total += c.samples();
    }
    assertThat(FedAvg.fromSum(sum)).containsExactly(expected, offset(1e-12));
    double[] onlyWeights = java.util.Arrays.copyOf(sum, 100);
    assertThat(FedAvg.fromSum(onlyWeights, total)).containsExactly(expected, offset(1e-12));
    double[] global = new double[100];
    java.util.Arrays.fill(global, 0.25);
    double[] deltaSum = new double[101];
    for (ClientUpdate c : u) {
      double[] w = FedAvg.weightedDelta(c.parameters(), global, c.samples());
      for (int i = 0; i < w.length; i++) {
        deltaSum[i] += w[i];
      }
    }
    assertThat(FedAvg.fromDeltaSum(global, deltaSum)).containsExactly(expected, offset(1e-12));
  }

  @Test
  void averageSurvivesTheFixedPointRingOfSecureAggregation() {
    List<ClientUpdate> u = randomUpdates(10, 1000, 5);
    double[] expected = new FedAvg().aggregate(new double[1000], u);
    FixedPoint fp = new FixedPoint(64, 24, 1e7);
    fp.requireCapacity(u.size());
    long[] ringSum = new long[1001];
    for (ClientUpdate c : u) {
      long[] enc = fp.encode(FedAvg.weightedInput(c.parameters(), c.samples()));
      for (int i = 0; i < enc.length; i++) {
        ringSum[i] = (ringSum[i] + enc[i]) & fp.ringMask();
      }
    }
    double[] avg = FedAvg.fromSum(fp.decodeSum(ringSum, u.size()));
    // each coordinate of the decoded sum is within count * 2^-25 of the real sum
    assertThat(avg).containsExactly(expected, offset(1e-9));
  }

  static List<ClientUpdate> randomUpdates(int n, int p, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ClientUpdate> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      double[] w = new double[p];
      for (int i = 0; i < p; i++) {
        w[i] = r.nextGaussian();
      }
      out.add(new ClientUpdate("c" + k, w, 1 + r.nextInt(5000)));
    }
    return out;
  }
}
