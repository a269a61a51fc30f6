package io.fedge.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ShamirTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A SecureRandom that hands out the given bytes, to pin a polynomial's coefficients. */
  private static final class FixedBytes extends SecureRandom {
    private final byte[] bytes;

    FixedBytes(byte... bytes) {
      this.bytes = bytes;
    }

    @Override
    public void nextBytes(byte[] out) {
      assertThat(out.length).isEqualTo(bytes.length);
      System.arraycopy(bytes, 0, out, 0, out.length);
    }
  }

  @Property(tries = 200)
  void anyThresholdSubsetReconstructs(
      @ForAll @Size(32) byte[] secret,
      @ForAll @IntRange(min = 1, max = 30) int t,
      @ForAll @IntRange(min = 0, max = 30) int extra,
      @ForAll long shuffleSeed) {
    int n = Math.min(255, t + extra);
    Shamir.Share[] shares = Shamir.split(secret, t, n, RANDOM);
    List<Shamir.Share> list = new ArrayList<>(List.of(shares));
    Collections.shuffle(list, new Random(shuffleSeed));
    int k = t + new Random(shuffleSeed).nextInt(n - t + 1); // t..n shares
    byte[] combined = Shamir.combine(list.subList(0, k).toArray(new Shamir.Share[0]));
    assertThat(combined).isEqualTo(secret);
  }

  @Property(tries = 200)
  void fewerThanThresholdSharesDoNotReconstruct(
      @ForAll @Size(32) byte[] secret, @ForAll @IntRange(min = 2, max = 20) int t) {
    Shamir.Share[] shares = Shamir.split(secret, t, t + 3, RANDOM);
    Shamir.Share[] tooFew = java.util.Arrays.copyOf(shares, t - 1);
    // With t-1 shares the interpolation is uniform over all secrets: a 32-byte match has
    // probability 2^-256.
    assertThat(Shamir.combine(tooFew)).isNotEqualTo(secret);
  }

  @Test
  void oneShareOfTwoOutOfNIsConsistentWithEverySecretExactlyOnce() {
    // t = 2: for share index x, the map a1 -> s + a1 * x is a bijection of GF(2^8) for every s, so
    // the observed share is uniform whatever the secret.
    for (int x : new int[] {1, 2, 7, 200, 255}) {
      for (int s = 0; s < 256; s++) {
        boolean[] seen = new boolean[256];
        for (int a1 = 0; a1 < 256; a1++) {
          Shamir.Share share = splitOneByte(s, 2, x, (byte) a1);
          int y = share.value()[0] & 0xFF;
          assertThat(seen[y]).as("x=%d s=%d a1=%d", x, s, a1).isFalse();
          seen[y] = true;
        }
      }
    }
  }

  @Test
  void twoSharesOfThreeOutOfNAreConsistentWithEverySecretExactlyOnce() {
    // t = 3, shares at x1, x2: for each secret the 65,536 coefficient pairs give 65,536 distinct
    // share pairs, so every observed pair is equally likely under every secret.
    int x1 = 3;
    int x2 = 250;
    int[] indices = {x1, x2, 9}; // the third share is not looked at
    for (int s : new int[] {0, 1, 0x5A, 0xFF}) {
      boolean[] seen = new boolean[1 << 16];
      for (int c = 0; c < 1 << 16; c++) {
        Shamir.Share[] shares =
            Shamir.split(new byte[] {(byte) s}, 3, indices, new FixedBytes((byte) c, (byte) (c >>> 8)));
        int pair = (shares[0].value()[0] & 0xFF) << 8 | (shares[1].value()[0] & 0xFF);
        assertThat(seen[pair]).as("s=%d c=%d", s, c).isFalse();
        seen[pair] = true;
      }
    }
  }

  private static Shamir.Share splitOneByte(int secret, int t, int x, byte coefficient) {
    int other = x == 1 ? 2 : 1; // a second share exists but is not looked at
    return Shamir.split(
        new byte[] {(byte) secret}, t, new int[] {x, other}, new FixedBytes(coefficient))[0];
  }

  @Test
  void gf256MatchesAnIndependentLogTableImplementation() {
    // exp/log tables with generator 3, built by repeated multiplication by 3 = x + 1
    int[] exp = new int[255];
    int[] log = new int[256];
    int v = 1;
    for (int i = 0; i < 255; i++) {
      exp[i] = v;
      log[v] = i;
      int times2 = (v << 1) ^ ((v & 0x80) != 0 ? 0x11B : 0);
      v = times2 ^ v;
    }
    assertThat(v).isEqualTo(1);
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        int expected = a == 0 || b == 0 ? 0 : exp[(log[a] + log[b]) % 255];
        assertThat(Gf256.mul(a, b)).isEqualTo(expected);
      }
      if (a != 0) {
        assertThat(Gf256.mul(a, Gf256.inv(a))).isEqualTo(1);
      }
    }
  }

  @Test
  void rejectsBadParametersAndShares() {
    byte[] secret = new byte[32];
    assertThatThrownBy(() -> Shamir.split(secret, 0, 5, RANDOM)).isInstanceOf(SecAggException.class);
    assertThatThrownBy(() -> Shamir.split(secret, 6, 5, RANDOM)).isInstanceOf(SecAggException.class);
    assertThatThrownBy(() -> Shamir.split(secret, 2, 256, RANDOM))
        .isInstanceOf(SecAggException.class)
        .hasMessageContaining("1..255");
    assertThatThrownBy(() -> Shamir.split(secret, 2, new int[] {4, 4}, RANDOM))
        .hasMessageContaining("duplicate");
    Shamir.Share[] shares = Shamir.split(secret, 2, 3, RANDOM);
    assertThatThrownBy(() -> Shamir.combine(shares[0], shares[0])).hasMessageContaining("duplicate");
    assertThatThrownBy(() -> Shamir.combine(shares[0], new Shamir.Share(2, new byte[31])))
        .hasMessageContaining("lengths");
    assertThatThrownBy(Shamir::combine).hasMessageContaining("no shares");
  }
}
