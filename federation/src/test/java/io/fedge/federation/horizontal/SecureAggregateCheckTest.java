package io.fedge.federation.horizontal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.dp.GaussianMechanism;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecureAggregateCheckTest {

  @Test
  void aSumOfClippedDeltasPassesAndOneUnclippedClientIsDetectedInTheSum() {
    List<ClientUpdate> raw = FedAvgTest.randomUpdates(10, 200, 4);
    double[] global = new double[200];
    double clip = 1.0;
    GaussianMechanism m = new GaussianMechanism(clip, 0, new java.util.Random(1));
    List<ClientUpdate> clipped = new ArrayList<>();
    for (ClientUpdate u : raw) {
      clipped.add(new ClientUpdate(u.clientId(), m.clippedDelta(u.parameters(), global),
          u.samples()));
    }
    SecureAggregateCheck check = new SecureAggregateCheck(clip, 0.01);
    // all clipped deltas pointing the same way: the worst case still passes
    List<ClientUpdate> aligned = new ArrayList<>();
    for (ClientUpdate u : clipped) {
      aligned.add(new ClientUpdate(u.clientId(), clipped.get(0).parameters(), u.samples()));
    }
    assertThat(check.check(global, new FedAvg().aggregate(global, aligned), null).accepted())
        .isTrue();
    // one client sends a delta 50 times the bound (and is the largest by samples)
    List<ClientUpdate> cheated = new ArrayList<>(aligned);
    double[] big = clipped.get(0).parameters().clone();
    for (int i = 0; i < big.length; i++) {
      big[i] *= 50;
    }
    cheated.set(3, new ClientUpdate("cheat", big, 5000));
    SecureAggregateCheck.Result r =
        check.check(global, new FedAvg().aggregate(global, cheated), null);
    assertThat(r.accepted()).isFalse();
    assertThat(r.reasons()).singleElement().asString().contains("some client did not clip");
  }

  @Test
  void aRoundThatMakesTheValidationUtilityWorseIsRejected() {
    double[] global = {0, 0};
    Utility closeToOrigin = p -> -Math.hypot(p[0], p[1]);
    SecureAggregateCheck check = new SecureAggregateCheck(Double.POSITIVE_INFINITY, 0.05);
    assertThat(check.check(global, new double[] {0.03, 0}, closeToOrigin).accepted()).isTrue();
    SecureAggregateCheck.Result r = check.check(global, new double[] {0.3, 0.4}, closeToOrigin);
    assertThat(r.accepted()).isFalse();
    assertThat(r.utilityAfter()).isEqualTo(-0.5);
    assertThat(check.check(global, new double[] {Double.NaN, 0}, null).reasons())
        .containsExactly("non-finite aggregate");
  }
}
