package io.fedge.federation.secagg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * X25519 key agreement (RFC 7748, Bouncy Castle's low-level implementation) followed by
 * HKDF-SHA256 (RFC 5869) to 32-byte pairwise keys.
 *
 * <p>Domain separation: HKDF salt is the constant "fedge/secagg/v1"; the info string is the purpose
 * label, a zero byte, the round id (8 bytes big-endian), then the two party ids (4 bytes each,
 * big-endian) smaller first. Both parties of a pair therefore derive the same key, and keys differ
 * between rounds, pairs and purposes.
 */
public final class KeyAgreement {
  /** Public and private key length in bytes. */
  public static final int KEY_BYTES = 32;

  private static final byte[] SALT = "fedge/secagg/v1".getBytes(StandardCharsets.US_ASCII);

  /** What a derived key is used for; part of the HKDF info. */
  public enum Purpose {
    /** Seed of the pairwise mask PRG, agreed from the masking keys s. */
    PAIRWISE_MASK("fedge/secagg/v1/pairwise-mask"),
    /** AES-256-GCM key for the share ciphertexts, agreed from the encryption keys c. */
    SHARE_ENCRYPTION("fedge/secagg/v1/share-encryption");

    private final byte[] label;

    Purpose(String label) {
      this.label = label.getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** An X25519 key pair. */
  public record KeyPair(byte[] publicKey, byte[] privateKey) {
    public KeyPair {
      publicKey = checkLength("public key", publicKey).clone();
      privateKey = checkLength("private key", privateKey).clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public byte[] privateKey() {
      return privateKey.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof KeyPair k
          && Arrays.equals(k.publicKey, publicKey)
          && MessageDigest.isEqual(k.privateKey, privateKey);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
      return "KeyPair[public=" + HexFormat.of().formatHex(publicKey) + "]";
    }
  }

  private KeyAgreement() {}

  /** A fresh key pair. */
  public static KeyPair generate(SecureRandom random) {
    byte[] sk = new byte[KEY_BYTES];
    X25519.generatePrivateKey(random, sk);
    return new KeyPair(publicKeyOf(sk), sk);
  }

  /** The public key of an X25519 private key. */
  public static byte[] publicKeyOf(byte[] privateKey) {
    checkLength("private key", privateKey);
    byte[] pk = new byte[KEY_BYTES];
    X25519.generatePublicKey(privateKey, 0, pk, 0);
    return pk;
  }

  /**
   * The 32-byte key that parties {@code selfId} and {@code peerId} share for {@code purpose} in
   * round {@code roundId}: HKDF-SHA256 of the X25519 shared secret.
   */
  public static byte[] pairwiseKey(
      byte[] privateKey, byte[] peerPublicKey, Purpose purpose, long roundId, int selfId, int peerId) {
    checkLength("private key", privateKey);
    checkLength("peer public key", peerPublicKey);
    if (selfId == peerId) {
      throw new SecAggException("no pairwise key of party " + selfId + " with itself");
    }
    byte[] shared = new byte[KEY_BYTES];
    if (!X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0)) {
      throw new SecAggException("public key of party " + peerId + " is a low-order point");
    }
    ByteBuffer info = ByteBuffer.allocate(purpose.label.length + 1 + 8 + 4 + 4);
    info.put(purpose.label).put((byte) 0).putLong(roundId);
    info.putInt(Math.min(selfId, peerId)).putInt(Math.max(selfId, peerId));
    byte[] key = hkdfSha256(SALT, shared, info.array(), KEY_BYTES);
    Arrays.fill(shared, (byte) 0);
    return key;
  }

  /** HKDF-SHA256 (RFC 5869) extract-then-expand to {@code length} bytes (at most 255 * 32). */
  static byte[] hkdfSha256(byte[] salt, byte[] ikm, byte[] info, int length) {
    if (length < 1 || length > 255 * 32) {
      throw new IllegalArgumentException("HKDF output length out of range: " + length);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      byte[] out = new byte[length];
      byte[] t = new byte[0];
      int pos = 0;
      for (int i = 1; pos < length; i++) {
        mac.update(t);
        mac.update(info);
        mac.update((byte) i);
        t = mac.doFinal();
        int n = Math.min(t.length, length - pos);
        System.arraycopy(t, 0, out, pos, n);
        pos += n;
      }
      Arrays.fill(prk, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new SecAggException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  static byte[] checkLength(String what, byte[] key) {
    if (key == null || key.length != KEY_BYTES) {
      throw new SecAggException(
          what + " must be " + KEY_BYTES + " bytes, got " + (key == null ? "none" : key.length));
    }
    return key;
  }
}
