package io.fedge.federation.vertical.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The held-out test rows of a vertical job, decided per aligned id so every party picks the same
 * rows without exchanging anything: a row is a test row when the first 8 bytes of
 * SHA-256(seed as 8 big-endian bytes ‖ UTF-8 id), read as an unsigned fraction of 2^64, are below
 * {@code fraction}.
 */
public final class TestSplit {
  private TestSplit() {}

  public static boolean isTest(long seed, String alignedId, double fraction) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(ByteBuffer.allocate(8).putLong(seed).array());
      byte[] h = md.digest(alignedId.getBytes(StandardCharsets.UTF_8));
      long top = ByteBuffer.wrap(h, 0, 8).getLong() >>> 11; // 53 bits
      return top * 0x1.0p-53 < fraction;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
