package io.fedge.federation.crypto.paillier;

/** How encryption noise (an n-th residue mod n²) is drawn; both give ordinary Paillier ciphertexts. */
public enum NoiseMode {
  /** r^n mod n² for a uniform unit r: one full exponentiation each, security from DCR alone. */
  CLASSIC,
  /**
   * h_s^a mod n² for a random ⌈k/2⌉-bit a through a fixed-base table ({@link FixedBaseNoise}, DJN
   * 2010): several times faster, under DCR plus a short-exponent assumption.
   */
  FIXED_BASE
}
