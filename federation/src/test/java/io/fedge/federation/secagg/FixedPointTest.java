package io.fedge.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FixedPointTest {

  @Property(tries = 300)
  void sumsDecodeWithinHalfAnUlpPerClient(
      @ForAll @Size(min = 1, max = 40) java.util.List<@DoubleRange(min = -3, max = 3) Double> values,
      @ForAll @IntRange(min = 0, max = 24) int fractionalBits,
      @ForAll boolean ring64) {
    FixedPoint fp = new FixedPoint(ring64 ? 64 : 32, fractionalBits, 3.0);
    long mask = fp.ringMask();
    long sum = 0;
    double plain = 0;
    for (double v : values) {
      long e = fp.encode(new double[] {v})[0];
      assertThat(e & ~mask).isZero();
      sum = (sum + e) & mask;
      plain += v;
    }
    double decoded = fp.decodeSum(new long[] {sum}, values.size())[0];
    double bound = values.size() * Math.scalb(0.5, -fractionalBits) + 1e-9;
    assertThat(Math.abs(decoded - plain)).isLessThanOrEqualTo(bound);
  }

  @Test
  void clipsToTheBoundAndWrapsNegativesInThe32BitRing() {
    FixedPoint fp = new FixedPoint(32, 4, 2.0);
    long[] e = fp.encode(new double[] {5.0, -5.0, -1.0, 0.5});
    assertThat(e).containsExactly(32L, 0x1_0000_0000L - 32, 0x1_0000_0000L - 16, 8L);
    assertThat(fp.decodeSum(e, 1)).containsExactly(2.0, -2.0, -1.0, 0.5);
  }

  @Test
  void rejectsNanAndInfinity() {
    FixedPoint fp = new FixedPoint(64, 10, 1.0);
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> fp.encode(new double[] {0.0, bad}))
          .isInstanceOf(SecAggException.class)
          .hasMessageContaining("input[1]");
    }
  }

  @Test
  void overflowGuardTriggersAtConfigurationTime() {
    // 2^32 ring: R/2 = 2^31. clip 1.0 at 2^20 -> 2^20 per client, so at most 2^11 - 1 clients.
    FixedPoint fp = new FixedPoint(32, 20, 1.0);
    assertThat(fp.maxClients()).isEqualTo(2047);
    fp.requireCapacity(2047);
    assertThatThrownBy(() -> fp.requireCapacity(2048))
        .isInstanceOf(SecAggException.class)
        .hasMessageContaining("fixed-point overflow")
        .hasMessageContaining("at most 2047 clients");
    FixedPoint tight = new FixedPoint(32, 24, 64.0); // 2^30 per client: 1 client fits
    assertThatThrownBy(() -> new SecAggConfig(1, 2, 2, 10, tight))
        .hasMessageContaining("fixed-point overflow");
    assertThatThrownBy(() -> new FixedPoint(32, 31, 1.0)).hasMessageContaining("even for one client");
    assertThatThrownBy(() -> new FixedPoint(48, 8, 1.0)).hasMessageContaining("2^32 or 2^64");
    assertThatThrownBy(() -> new FixedPoint(64, 8, Double.NaN)).hasMessageContaining("clipBound");
  }

  @Test
  void decodeRejectsSumsNoClippedInputsCanProduce() {
    FixedPoint fp = new FixedPoint(64, 8, 1.0);
    assertThatThrownBy(() -> fp.decodeSum(new long[] {0, 3 * 256 + 1}, 3))
        .isInstanceOf(SecAggException.class)
        .hasMessageContaining("sum[1]");
    assertThat(fp.decodeSum(new long[] {-3 * 256}, 3)).containsExactly(-3.0);
  }
}
