package io.fedge.federation.dp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GaussianMechanismTest {

  @Test
  void clippingBoundsTheNormAndKeepsTheDirection() {
    GaussianMechanism g = new GaussianMechanism(1.0, 0, new Random(1));
    double[] delta = g.clippedDelta(new double[] {3, 4, 1}, new double[] {0, 0, 1});
    assertThat(GaussianMechanism.norm(delta)).isCloseTo(1.0, offset(1e-12));
    assertThat(delta).containsExactly(new double[] {0.6, 0.8, 0}, offset(1e-12));
    double[] small = g.clippedDelta(new double[] {0.1, 0.2}, new double[] {0, 0});
    assertThat(small).containsExactly(0.1, 0.2);
    assertThatThrownBy(() -> GaussianMechanism.clip(new double[] {Double.NaN}, 1))
        .hasMessageContaining("NaN");
  }

  @Test
  void distributedNoiseSharesAddUpToTheCentralStandardDeviation() {
    int clients = 16;
    int dims = 20_000;
    GaussianMechanism g = new GaussianMechanism(0.5, 1.3, new Random(7));
    double[] global = new double[dims];
    double[] sum = new double[dims];
    for (int k = 0; k < clients; k++) {
      double[] d = g.clipAndNoise(new double[dims], global, clients); // zero delta: pure noise
      for (int i = 0; i < dims; i++) {
        sum[i] += d[i];
      }
    }
    double var = 0;
    for (double v : sum) {
      var += v * v;
    }
    double sd = Math.sqrt(var / dims);
    // standard error of a sample sd from 20,000 draws is about 0.5%
    assertThat(sd).isCloseTo(g.sumStddev(), offset(0.03 * g.sumStddev()));
  }

  @Test
  void centralAggregationIsTheMeanClippedDeltaPlusNoise() {
    GaussianMechanism noNoise = new GaussianMechanism(1.0, 0, new Random(1));
    double[] out = noNoise.aggregate(new double[] {1, 1},
        List.of(new double[] {1 + 10, 1}, new double[] {1, 1 + 0.5}));
    // deltas clipped to (1, 0) and (0, 0.5), mean (0.5, 0.25)
    assertThat(out).containsExactly(new double[] {1.5, 1.25}, offset(1e-12));
    GaussianMechanism secure = GaussianMechanism.secure(1.0, 1.0);
    double[] noisy = secure.aggregate(new double[] {0, 0}, List.of(new double[] {0, 0}));
    assertThat(noisy).doesNotContain(0.0);
  }
}
