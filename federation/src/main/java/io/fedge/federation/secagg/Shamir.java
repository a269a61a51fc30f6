package io.fedge.federation.secagg;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * t-of-n Shamir secret sharing of byte strings, byte-wise over GF(2^8).
 *
 * <p>Each byte of the secret is the constant term of its own random polynomial of degree t-1 over
 * GF(2^8); share i holds the evaluations at x = i of all those polynomials, so a share is as long
 * as the secret (32 bytes for the seeds and keys shared here). Any t shares determine the secret by
 * Lagrange interpolation at 0; any t-1 shares are uniformly distributed and independent of the
 * secret (information-theoretic secrecy). Share indices are 1..255, which bounds a round to 255
 * clients; in this package the index of a share is the id of the client holding it.
 *
 * <p>Chosen over a 256-bit prime field because it needs no big-integer arithmetic (fast and free of
 * secret-dependent branches, see {@link Gf256}), shares are exactly 32 bytes, and the secrecy
 * property can be checked exhaustively in tests.
 */
public final class Shamir {
  /** Largest number of shares: the non-zero elements of GF(2^8). */
  public static final int MAX_SHARES = 255;

  /** One share: the evaluation point {@code index} (1..255) and one byte per secret byte. */
  public record Share(int index, byte[] value) {
    public Share {
      if (index < 1 || index > MAX_SHARES) {
        throw new SecAggException("share index must be in 1..255, got " + index);
      }
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Share s && s.index == index && Arrays.equals(s.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * index + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Share[index=" + index + ", " + value.length + " bytes]";
    }
  }

  private Shamir() {}

  /** Splits {@code secret} into shares with indices 1..n, any t of which reconstruct it. */
  public static Share[] split(byte[] secret, int t, int n, SecureRandom random) {
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      indices[i] = i + 1;
    }
    return split(secret, t, indices, random);
  }

  /**
   * Splits {@code secret} into one share per entry of {@code indices} (distinct, in 1..255), any t
   * of which reconstruct it.
   */
  public static Share[] split(byte[] secret, int t, int[] indices, SecureRandom random) {
    int n = indices.length;
    if (t < 1 || t > n) {
      throw new SecAggException("threshold must be in 1.." + n + ", got " + t);
    }
    boolean[] seen = new boolean[MAX_SHARES + 1];
    for (int x : indices) {
      if (x < 1 || x > MAX_SHARES) {
        throw new SecAggException("share index must be in 1..255, got " + x);
      }
      if (seen[x]) {
        throw new SecAggException("duplicate share index " + x);
      }
      seen[x] = true;
    }
    int len = secret.length;
    // coefficients[k * len + j] is the coefficient of x^(k+1) for secret byte j
    byte[] coefficients = new byte[(t - 1) * len];
    random.nextBytes(coefficients);
    Share[] shares = new Share[n];
    byte[] y = new byte[len];
    for (int s = 0; s < n; s++) {
      int x = indices[s];
      for (int j = 0; j < len; j++) {
        int acc = 0;
        for (int k = t - 2; k >= 0; k--) {
          acc = Gf256.mul(acc, x) ^ (coefficients[k * len + j] & 0xFF);
        }
        y[j] = (byte) (Gf256.mul(acc, x) ^ (secret[j] & 0xFF));
      }
      shares[s] = new Share(x, y);
    }
    Arrays.fill(coefficients, (byte) 0);
    Arrays.fill(y, (byte) 0);
    return shares;
  }

  /**
   * Interpolates the secret from {@code shares} (distinct indices, equal lengths). Given at least
   * the threshold many shares of one split, the result is the secret; with fewer it is garbage that
   * reveals nothing. The caller enforces the threshold.
   */
  public static byte[] combine(Share... shares) {
    if (shares.length == 0) {
      throw new SecAggException("no shares to combine");
    }
    int k = shares.length;
    int len = shares[0].value.length;
    boolean[] seen = new boolean[MAX_SHARES + 1];
    for (Share s : shares) {
      if (seen[s.index]) {
        throw new SecAggException("duplicate share index " + s.index);
      }
      seen[s.index] = true;
      if (s.value.length != len) {
        throw new SecAggException("shares have different lengths");
      }
    }
    // Lagrange basis at 0: w_i = prod_{j != i} x_j / (x_j - x_i); subtraction is XOR.
    int[] w = new int[k];
    for (int i = 0; i < k; i++) {
      int num = 1;
      int den = 1;
      for (int j = 0; j < k; j++) {
        if (j != i) {
          num = Gf256.mul(num, shares[j].index);
          den = Gf256.mul(den, shares[j].index ^ shares[i].index);
        }
      }
      w[i] = Gf256.mul(num, Gf256.inv(den));
    }
    byte[] secret = new byte[len];
    for (int b = 0; b < len; b++) {
      int acc = 0;
      for (int i = 0; i < k; i++) {
        acc ^= Gf256.mul(w[i], shares[i].value[b] & 0xFF);
      }
      secret[b] = (byte) acc;
    }
    return secret;
  }
}
