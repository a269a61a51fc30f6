package io.fedge.federation.vertical;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Uniform elements of Z_{2^64} expanded from a 32-byte seed, addressable by (label, index) so that
 * the dealer and one party can regenerate the same mask rows on demand without storing them.
 *
 * <p>Definition: AES-256 in counter mode keyed with the seed; the initial counter block is
 * {@code label (4 bytes, big-endian) || index (8 bytes, big-endian) || 0 (4 bytes)}; element i is
 * bytes [8i, 8i+8) of the keystream as a little-endian long. Distinct (label, index) pairs start
 * in disjoint counter ranges as long as a stream is shorter than 2^32 blocks (2^33 elements).
 * HotSpot runs AES-CTR with AES-NI, several GB/s.
 */
final class MaskStream {
  static final int SEED_BYTES = 32;
  private static final VarHandle LE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final SecretKeySpec key;
  private final Cipher cipher;
  private byte[] zeros = new byte[0];
  private byte[] buffer = new byte[0];

  MaskStream(byte[] seed) {
    if (seed == null || seed.length != SEED_BYTES) {
      throw new VerticalException("mask seed must be " + SEED_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(seed, "AES");
    try {
      this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is not available in this JVM", e);
    }
  }

  /** Fills {@code out} with the stream for (label, index). */
  void fill(int label, long index, long[] out) {
    int bytes = out.length * Long.BYTES;
    if (buffer.length < bytes) {
      buffer = new byte[bytes];
      zeros = new byte[bytes];
    }
    byte[] iv = new byte[16];
    iv[0] = (byte) (label >>> 24);
    iv[1] = (byte) (label >>> 16);
    iv[2] = (byte) (label >>> 8);
    iv[3] = (byte) label;
    for (int i = 0; i < 8; i++) {
      iv[4 + i] = (byte) (index >>> (56 - 8 * i));
    }
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      cipher.update(zeros, 0, bytes, buffer, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR keystream failed", e);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (long) LE_LONG.get(buffer, i * Long.BYTES);
    }
  }

  long[] stream(int label, long index, int length) {
    long[] out = new long[length];
    fill(label, index, out);
    return out;
  }
}
