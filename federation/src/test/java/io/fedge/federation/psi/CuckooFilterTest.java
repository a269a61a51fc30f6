package io.fedge.federation.psi;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CuckooFilterTest {
  @Test
  void everyInsertedItemIsFoundAndFalsePositivesStayUnderTheStatedBound() {
    int n = 50_000;
    Random rnd = new Random(7);
    byte[] items = new byte[n * 32];
    rnd.nextBytes(items);
    MessageDigest sha = CuckooFilter.sha256();
    long[] k = new long[2];
    long[] hashes = new long[n];
    int[] fps = new int[n];
    for (int bits : new int[] {8, 16, 32}) {
      for (int i = 0; i < n; i++) {
        CuckooFilter.key(sha, items, i * 32, bits, k);
        hashes[i] = k[0];
        fps[i] = (int) k[1];
      }
      CuckooFilter f = CuckooFilter.fromBytes(CuckooFilter.build(hashes, fps, bits).toBytes(), bits,
          CuckooFilter.build(hashes, fps, bits).bucketCount());
      for (int i = 0; i < n; i++) {
        assertThat(f.contains(hashes[i], fps[i])).isTrue();
      }
      int queries = 200_000;
      int falsePositives = 0;
      byte[] q = new byte[32];
      for (int i = 0; i < queries; i++) {
        rnd.nextBytes(q);
        CuckooFilter.key(sha, q, 0, bits, k);
        if (f.contains(k[0], (int) k[1])) {
          falsePositives++;
        }
      }
      double bound = CuckooFilter.falsePositiveBound(bits);
      // the bound is on the expectation; allow 4 standard deviations of sampling noise
      double slack = 4 * Math.sqrt(queries * bound) + 1;
      assertThat((double) falsePositives).as("%d-bit fingerprints", bits).isLessThanOrEqualTo(queries * bound + slack);
      if (bits == 8) {
        assertThat(falsePositives).as("the 8-bit filter really has false positives").isPositive();
      }
    }
  }
}
