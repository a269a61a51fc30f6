package io.fedge.federation.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * A payload encrypted to a round's public key and signed by the sending device.
 *
 * <ul>
 *   <li>Encryption: HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM;
 *       {@code info} = {@value #INFO}, {@code aad} = the header. Only the holder of the round's
 *       private key can read the payload; a broker relaying it learns its length only.
 *   <li>Signature: ECDSA P-256 with SHA-256 (the device's certificate key) over {@value #DOMAIN},
 *       then the header, the encapsulated key and the ciphertext, each preceded by its 4-byte
 *       big-endian length. It binds the sender to exactly these bytes, so the receiver can attribute
 *       the commitment ({@link #commitment()}) to a device; nobody can swap the header (job, round,
 *       sender) without breaking both the signature and the AEAD tag.
 * </ul>
 *
 * <p>Binary form ({@link #toBytes()}): {@code "FSE1"}, u32 header length, header, u16 enc length,
 * enc, u32 ciphertext length, ciphertext, u16 signature length, DER signature.
 */
public final class SealedEnvelope {
  public static final String INFO = "fedge/v1 sealed envelope";
  public static final String DOMAIN = "fedge/v1 sealed envelope signature";
  static final byte[] MAGIC = {'F', 'S', 'E', '1'};
  /** Largest header accepted (headers are short canonical strings). */
  public static final int MAX_HEADER_BYTES = 4096;
  /** Largest payload accepted: 256 MiB. */
  public static final int MAX_CIPHERTEXT_BYTES = 256 << 20;

  private static final byte[] INFO_BYTES = INFO.getBytes(StandardCharsets.UTF_8);
  private static final byte[] DOMAIN_BYTES = DOMAIN.getBytes(StandardCharsets.UTF_8);

  private final byte[] header;
  private final byte[] enc;
  private final byte[] ciphertext;
  private final byte[] signature;

  private SealedEnvelope(byte[] header, byte[] enc, byte[] ciphertext, byte[] signature) {
    this.header = header;
    this.enc = enc;
    this.ciphertext = ciphertext;
    this.signature = signature;
  }

  private static HPKE hpke() {
    return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);
  }

  /**
   * Encrypts {@code plaintext} to {@code roundPublicKey} (32-byte X25519) with {@code header} as
   * associated data, and signs the result with {@code deviceKey} (EC P-256).
   */
  public static SealedEnvelope seal(
      byte[] header, byte[] plaintext, byte[] roundPublicKey, PrivateKey deviceKey, SecureRandom random) {
    if (header.length > MAX_HEADER_BYTES) {
      throw new CryptoException("envelope header of " + header.length + " bytes exceeds " + MAX_HEADER_BYTES);
    }
    if (plaintext.length > MAX_CIPHERTEXT_BYTES - 16) {
      throw new CryptoException("payload of " + plaintext.length + " bytes is too large to seal");
    }
    if (roundPublicKey == null || roundPublicKey.length != RoundKeyPair.KEY_BYTES) {
      throw new CryptoException("the round public key must be 32 bytes (X25519)");
    }
    AsymmetricKeyParameter pk = new X25519PublicKeyParameters(roundPublicKey, 0);
    byte[][] out;
    try {
      // BC's HPKE draws the ephemeral key from its own SecureRandom; `random` signs.
      out = hpke().seal(pk, INFO_BYTES, header, plaintext, null, null, null);
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new CryptoException("HPKE seal failed", e);
    }
    byte[] ct = out[0];
    byte[] enc = out[1];
    byte[] sig;
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(deviceKey, random);
      feed(s, header, enc, ct);
      sig = s.sign();
    } catch (GeneralSecurityException e) {
      throw new CryptoException("cannot sign envelope with the device key", e);
    }
    return new SealedEnvelope(header.clone(), enc, ct, sig);
  }

  /** Whether {@code deviceKey} signed exactly these bytes. */
  public boolean verify(PublicKey deviceKey) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(deviceKey);
      feed(s, header, enc, ciphertext);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Checks the sender's signature, then decrypts with the round's key pair.
   *
   * @throws CryptoException if the signature does not verify under {@code deviceKey}, or the
   *     ciphertext or header was altered, or the envelope was sealed to another key
   */
  public byte[] open(RoundKeyPair roundKey, PublicKey deviceKey) {
    if (!verify(deviceKey)) {
      throw new CryptoException("envelope signature does not verify under the sender's device key");
    }
    try {
      return hpke().open(enc, roundKey.asBouncyCastle(), INFO_BYTES, header, ciphertext, null, null, null);
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new CryptoException("envelope does not decrypt with this round's key (wrong round or damaged)", e);
    }
  }

  public byte[] header() {
    return header.clone();
  }

  public int ciphertextLength() {
    return ciphertext.length;
  }

  /** SHA-256 of {@link #toBytes()}: what a participant commits to for a round. */
  public byte[] commitment() {
    return sha256(toBytes());
  }

  public byte[] toBytes() {
    ByteBuffer b =
        ByteBuffer.allocate(4 + 4 + header.length + 2 + enc.length + 4 + ciphertext.length + 2 + signature.length);
    b.put(MAGIC).putInt(header.length).put(header);
    b.putShort((short) enc.length).put(enc);
    b.putInt(ciphertext.length).put(ciphertext);
    b.putShort((short) signature.length).put(signature);
    return b.array();
  }

  /** Parses {@link #toBytes()} strictly: every length checked, nothing left over. */
  public static SealedEnvelope parse(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte[] magic = new byte[4];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CryptoException("not a sealed envelope (bad magic)");
      }
      byte[] header = bytes(b, b.getInt(), MAX_HEADER_BYTES, "header");
      byte[] enc = bytes(b, Short.toUnsignedInt(b.getShort()), 256, "encapsulated key");
      byte[] ct = bytes(b, b.getInt(), MAX_CIPHERTEXT_BYTES, "ciphertext");
      byte[] sig = bytes(b, Short.toUnsignedInt(b.getShort()), 128, "signature");
      if (b.hasRemaining()) {
        throw new CryptoException("sealed envelope has " + b.remaining() + " trailing bytes");
      }
      return new SealedEnvelope(header, enc, ct, sig);
    } catch (java.nio.BufferUnderflowException e) {
      throw new CryptoException("sealed envelope is truncated");
    }
  }

  private static byte[] bytes(ByteBuffer b, int len, int max, String what) {
    if (len < 0 || len > max || len > b.remaining()) {
      throw new CryptoException("sealed envelope " + what + " length " + len + " is invalid");
    }
    byte[] out = new byte[len];
    b.get(out);
    return out;
  }

  private static void feed(Signature s, byte[] header, byte[] enc, byte[] ct) throws GeneralSecurityException {
    s.update(DOMAIN_BYTES);
    for (byte[] part : new byte[][] {header, enc, ct}) {
      s.update(ByteBuffer.allocate(4).putInt(part.length).array());
      s.update(part);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
