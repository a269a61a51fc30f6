package io.fedge.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A single masked input must look uniform over the ring whatever the input.
 *
 * <p>Statistic: Pearson's chi-square of a 256-bin histogram (of the top byte of each element, and
 * of every byte), 255 degrees of freedom; mean 255, standard deviation 22.6. Threshold 448: by the
 * Wilson-Hilferty approximation P(chi2_255 &gt; 448) is about 1e-12, so with fresh random masks on
 * every run a false failure is negligible. A constant or weakly masked vector scores in the
 * hundreds of thousands (checked below, so the statistic can fail).
 */
class MaskUniformityTest {
  private static final double THRESHOLD = 448;
  private static final int D = 100_000;

  @Test
  void maskedConstantInputLooksUniformInBothRings() {
    for (int ringBits : new int[] {64, 32}) {
      long[] y = maskedConstantVector(ringBits);
      assertThat(chiSquare(topByteHistogram(y, ringBits))).as("top byte, ring 2^%d", ringBits)
          .isLessThan(THRESHOLD);
      assertThat(chiSquare(allBytesHistogram(y, ringBits / 8))).as("all bytes, ring 2^%d", ringBits)
          .isLessThan(THRESHOLD);
    }
  }

  @Test
  void theStatisticRejectsNonUniformVectors() {
    long[] constant = new long[D];
    java.util.Arrays.fill(constant, 12_345L << 40);
    assertThat(chiSquare(topByteHistogram(constant, 64))).isGreaterThan(100_000);
    // masked with only 8 random bits: the top byte is still constant
    java.util.Random r = new java.util.Random(1);
    long[] weak = constant.clone();
    for (int i = 0; i < D; i++) {
      weak[i] += r.nextInt(256);
    }
    assertThat(chiSquare(topByteHistogram(weak, 64))).isGreaterThan(100_000);
  }

  private static long[] maskedConstantVector(int ringBits) {
    FixedPoint fp = new FixedPoint(ringBits, 8, 100);
    SecAggConfig config = new SecAggConfig(77, 3, 2, D, fp);
    SecureRandom random = new SecureRandom();
    SecAggServer server = new SecAggServer(config);
    SecAggClient[] c = new SecAggClient[3];
    for (int u = 0; u < 3; u++) {
      c[u] = new SecAggClient(config, u + 1, random);
      server.receiveAdvertiseKeys(c[u].advertiseKeys());
    }
    KeyDirectory dir = server.closeAdvertising();
    for (SecAggClient client : c) {
      server.receiveEncryptedShares(client.shareKeys(dir));
    }
    List<ShareDelivery> deliveries = server.closeSharing();
    double[] constant = new double[D];
    java.util.Arrays.fill(constant, 42.5);
    return c[1].maskInput(deliveries.get(1), constant).maskedVector();
  }

  private static long[] topByteHistogram(long[] v, int ringBits) {
    long[] h = new long[256];
    for (long x : v) {
      h[(int) (x >>> (ringBits - 8)) & 0xFF]++;
    }
    return h;
  }

  private static long[] allBytesHistogram(long[] v, int bytesPerElement) {
    long[] h = new long[256];
    for (long x : v) {
      for (int b = 0; b < bytesPerElement; b++) {
        h[(int) (x >>> (8 * b)) & 0xFF]++;
      }
    }
    return h;
  }

  private static double chiSquare(long[] histogram) {
    long total = 0;
    for (long c : histogram) {
      total += c;
    }
    double expected = total / (double) histogram.length;
    double chi = 0;
    for (long c : histogram) {
      double diff = c - expected;
      chi += diff * diff / expected;
    }
    return chi;
  }
}
