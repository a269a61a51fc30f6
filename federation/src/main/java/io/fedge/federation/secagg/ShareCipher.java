package io.fedge.federation.secagg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of the pair of shares (self-mask seed share, masking-key share) that
 * client {@code from} sends to client {@code to} through the server.
 *
 * <p>Ciphertext layout: 12-byte random nonce, then GCM output of the 64-byte plaintext
 * (selfMaskShare || keyShare) with a 16-byte tag. The associated data binds the ciphertext to the
 * round and both ids in sending direction, so the server cannot replay it to another recipient,
 * swap senders, or move it to another round.
 */
final class ShareCipher {
  static final int SHARE_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  static final int CIPHERTEXT_BYTES = NONCE_BYTES + 2 * SHARE_BYTES + TAG_BYTES;

  private static final byte[] AAD_LABEL =
      "fedge/secagg/v1/shares".getBytes(StandardCharsets.US_ASCII);

  private ShareCipher() {}

  static byte[] seal(
      byte[] key, long roundId, int from, int to, byte[] selfMaskShare, byte[] keyShare,
      SecureRandom random) {
    byte[] out = new byte[CIPHERTEXT_BYTES];
    random.nextBytes(out);
    byte[] plain = new byte[2 * SHARE_BYTES];
    System.arraycopy(selfMaskShare, 0, plain, 0, SHARE_BYTES);
    System.arraycopy(keyShare, 0, plain, SHARE_BYTES, SHARE_BYTES);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_BYTES * 8, out, 0, NONCE_BYTES));
      c.updateAAD(aad(roundId, from, to));
      c.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new SecAggException("AES-GCM encryption failed", e);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  /** Returns {selfMaskShare, keyShare}; throws if the ciphertext is not authentic. */
  static byte[][] open(byte[] key, long roundId, int from, int to, byte[] ciphertext) {
    if (ciphertext.length != CIPHERTEXT_BYTES) {
      throw new SecAggException(
          "share ciphertext from " + from + " must be " + CIPHERTEXT_BYTES + " bytes, got "
              + ciphertext.length);
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_BYTES * 8, ciphertext, 0, NONCE_BYTES));
      c.updateAAD(aad(roundId, from, to));
      byte[] plain = c.doFinal(ciphertext, NONCE_BYTES, ciphertext.length - NONCE_BYTES);
      byte[] b = java.util.Arrays.copyOfRange(plain, 0, SHARE_BYTES);
      byte[] s = java.util.Arrays.copyOfRange(plain, SHARE_BYTES, 2 * SHARE_BYTES);
      java.util.Arrays.fill(plain, (byte) 0);
      return new byte[][] {b, s};
    } catch (AEADBadTagException e) {
      throw new SecAggException(
          "share ciphertext from client " + from + " to " + to + " failed authentication", e);
    } catch (GeneralSecurityException e) {
      throw new SecAggException("AES-GCM decryption failed", e);
    }
  }

  private static byte[] aad(long roundId, int from, int to) {
    return ByteBuffer.allocate(AAD_LABEL.length + 16)
        .put(AAD_LABEL)
        .putLong(roundId)
        .putInt(from)
        .putInt(to)
        .array();
  }
}
