package io.fedge.federation.vertical;

/**
 * Two-party product M^T v in Z_{2^64}, where party A holds the matrix M (its feature columns, n x d,
 * fixed-point) and party B holds the vector v (one entry per row of a batch), with the arbiter as a
 * dealer of correlated randomness that sees no data (the SecureML offline/online split with a
 * trusted dealer; Mohassel and Zhang, IEEE S&amp;P 2017, section 4).
 *
 * <ul>
 *   <li>Setup: the dealer gives A a seed σ_A and B a seed σ_B. A sends B its masked matrix
 *       M' = M - U once, U row i = stream(σ_A, U, i): uniform, so M' reveals nothing about M.
 *   <li>Per batch B of rows and round t: s = stream(σ_B, S, t) (B's vector mask), c_A = stream(σ_A,
 *       C, t) (A's output mask). The dealer sends B the correlation c_B = U_B^T s - c_A.
 *   <li>B sends A the masked vector v' = v - s (uniform) and its share z_B = M'_B^T v + c_B.
 *   <li>A computes U_B^T v' + c_A + z_B = M_B^T v. A learns the product and nothing else about v;
 *       B learns nothing (z_B is masked by c_A); the dealer receives nothing.
 * </ul>
 * Correct mod 2^64 exactly; the caller keeps |M^T v| below 2^63 so the result decodes.
 */
final class MaskedProduct {
  static final int LABEL_U = 0x55; // 'U': mask rows of the matrix
  static final int LABEL_C = 0x43; // 'C': matrix owner's output mask per round
  static final int LABEL_S = 0x53; // 'S': vector owner's mask per round

  private MaskedProduct() {}

  /** Round index for (epoch, batch): the counter that keeps per-round masks distinct. */
  static long round(int epoch, int batch) {
    return ((long) epoch << 32) | (batch & 0xFFFF_FFFFL);
  }

  /** A: its matrix (row-major n x d, fixed-point) minus the mask U, to send to B once. */
  static long[] maskMatrix(long[] matrix, int d, MaskStream ownerStream) {
    int n = matrix.length / d;
    long[] masked = new long[matrix.length];
    long[] u = new long[d];
    for (int i = 0; i < n; i++) {
      ownerStream.fill(LABEL_U, i, u);
      int off = i * d;
      for (int j = 0; j < d; j++) {
        masked[off + j] = matrix[off + j] - u[j];
      }
    }
    return masked;
  }

  /** Dealer: c_B = U_B^T s - c_A for the batch {@code rows} and round {@code t}. */
  static long[] correlation(MaskStream ownerStream, MaskStream vectorStream, int[] rows, int d, long t) {
    long[] s = vectorStream.stream(LABEL_S, t, rows.length);
    long[] acc = ownerStream.stream(LABEL_C, t, d);
    for (int j = 0; j < d; j++) {
      acc[j] = -acc[j];
    }
    long[] u = new long[d];
    for (int k = 0; k < rows.length; k++) {
      ownerStream.fill(LABEL_U, rows[k], u);
      long sk = s[k];
      for (int j = 0; j < d; j++) {
        acc[j] += u[j] * sk;
      }
    }
    return acc;
  }

  /** B: the masked vector v' = v - s. */
  static long[] maskVector(long[] v, MaskStream vectorStream, long t) {
    long[] s = vectorStream.stream(LABEL_S, t, v.length);
    for (int k = 0; k < v.length; k++) {
      s[k] = v[k] - s[k];
    }
    return s;
  }

  /** B: its share z_B = M'_B^T v + c_B, from A's masked matrix. */
  static long[] vectorOwnerShare(long[] maskedMatrix, int d, int[] rows, long[] v, long[] correlation) {
    long[] acc = correlation.clone();
    for (int k = 0; k < rows.length; k++) {
      int off = rows[k] * d;
      long vk = v[k];
      for (int j = 0; j < d; j++) {
        acc[j] += maskedMatrix[off + j] * vk;
      }
    }
    return acc;
  }

  /** A: M_B^T v = U_B^T v' + c_A + z_B. */
  static long[] matrixOwnerResult(MaskStream ownerStream, int d, int[] rows, long[] maskedVector,
      long[] share, long t) {
    long[] acc = ownerStream.stream(LABEL_C, t, d);
    for (int j = 0; j < d; j++) {
      acc[j] += share[j];
    }
    long[] u = new long[d];
    for (int k = 0; k < rows.length; k++) {
      ownerStream.fill(LABEL_U, rows[k], u);
      long vk = maskedVector[k];
      for (int j = 0; j < d; j++) {
        acc[j] += u[j] * vk;
      }
    }
    return acc;
  }
}
