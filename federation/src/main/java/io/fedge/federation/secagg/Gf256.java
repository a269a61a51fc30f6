package io.fedge.federation.secagg;

/**
 * Arithmetic in GF(2^8) = GF(2)[x]/(x^8 + x^4 + x^3 + x + 1), the AES field. Addition is XOR.
 * Multiplication and inversion use no secret-dependent branches or table lookups.
 */
final class Gf256 {
  private Gf256() {}

  /** Product of two field elements given in the low 8 bits. */
  static int mul(int a, int b) {
    int r = 0;
    for (int i = 0; i < 8; i++) {
      r ^= -(b & 1) & a;
      int carry = -((a >>> 7) & 1) & 0x1B;
      a = ((a << 1) ^ carry) & 0xFF;
      b >>>= 1;
    }
    return r;
  }

  /** Multiplicative inverse, a^254; inv(0) is 0. */
  static int inv(int a) {
    int a2 = mul(a, a);
    int a4 = mul(a2, a2);
    int a8 = mul(a4, a4);
    int a16 = mul(a8, a8);
    int a32 = mul(a16, a16);
    int a64 = mul(a32, a32);
    int a128 = mul(a64, a64);
    // 254 = 128 + 64 + 32 + 16 + 8 + 4 + 2
    return mul(mul(mul(mul(mul(mul(a128, a64), a32), a16), a8), a4), a2);
  }
}
