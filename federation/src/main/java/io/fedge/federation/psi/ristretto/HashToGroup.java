package io.fedge.federation.psi.ristretto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * hash_to_ristretto255 of RFC 9380 (appendix B): expand_message_xmd with SHA-512 (section
 * 5.3.1) to 64 bytes under a domain separation tag, then RFC 9496 element derivation.
 *
 * <p>Instances are not thread-safe (they keep one {@link MessageDigest}); make one per thread.
 */
public final class HashToGroup {
  private static final int B_IN_BYTES = 64;
  private static final int R_IN_BYTES = 128;

  private final MessageDigest sha512;
  private final byte[] dstPrime;

  /**
   * @param dst the domain separation tag, 1 to 255 bytes (RFC 9380 section 3.1)
   */
  public HashToGroup(byte[] dst) {
    if (dst == null || dst.length == 0 || dst.length > 255) {
      throw new IllegalArgumentException("a domain separation tag is 1 to 255 bytes");
    }
    try {
      this.sha512 = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-512", e);
    }
    this.dstPrime = new byte[dst.length + 1];
    System.arraycopy(dst, 0, dstPrime, 0, dst.length);
    dstPrime[dst.length] = (byte) dst.length;
  }

  public HashToGroup(String dst) {
    this(dst.getBytes(StandardCharsets.UTF_8));
  }

  /** hash_to_ristretto255(msg). */
  public RistrettoPoint hash(byte[] msg) {
    return RistrettoPoint.fromUniformBytes(expand(msg, 64));
  }

  /** expand_message_xmd(msg, DST, lenInBytes) with SHA-512. */
  public byte[] expand(byte[] msg, int lenInBytes) {
    int ell = (lenInBytes + B_IN_BYTES - 1) / B_IN_BYTES;
    if (ell > 255 || lenInBytes > 65535 || lenInBytes <= 0) {
      throw new IllegalArgumentException("expand_message_xmd output length out of range");
    }
    MessageDigest h = sha512;
    h.reset();
    h.update(new byte[R_IN_BYTES]); // Z_pad
    h.update(msg);
    h.update((byte) (lenInBytes >>> 8));
    h.update((byte) lenInBytes);
    h.update((byte) 0);
    h.update(dstPrime);
    byte[] b0 = h.digest();
    h.update(b0);
    h.update((byte) 1);
    h.update(dstPrime);
    byte[] bi = h.digest();
    byte[] out = new byte[lenInBytes];
    System.arraycopy(bi, 0, out, 0, Math.min(B_IN_BYTES, lenInBytes));
    for (int i = 2; i <= ell; i++) {
      byte[] x = new byte[B_IN_BYTES];
      for (int j = 0; j < B_IN_BYTES; j++) {
        x[j] = (byte) (b0[j] ^ bi[j]);
      }
      h.update(x);
      h.update((byte) i);
      h.update(dstPrime);
      bi = h.digest();
      int off = (i - 1) * B_IN_BYTES;
      System.arraycopy(bi, 0, out, off, Math.min(B_IN_BYTES, lenInBytes - off));
    }
    return out;
  }
}
