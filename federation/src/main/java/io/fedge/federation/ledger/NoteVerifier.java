package io.fedge.federation.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A trusted Ed25519 note key: a key name and a public key, identified on signature lines by the
 * name and the C2SP key ID {@code SHA-256(name || 0x0A || 0x01 || public key)[:4]}.
 *
 * <p>Text form, as in C2SP verifier keys: {@code <name>+<key ID as 8 hex digits>+<base64(0x01 ||
 * 32-byte public key)>}, for example {@code fedge.example/hub-ledger+1a2b3c4d+AX...}.
 */
public final class NoteVerifier {
  static final byte ED25519 = 0x01;
  private static final int KEY_SIZE = 32;
  // DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410); the raw key follows it.
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final String name;
  private final byte[] publicKey;
  private final int keyId;
  private final PublicKey key;

  /** From a key name and the 32-byte RFC 8032 encoding of an Ed25519 public key. */
  public NoteVerifier(String name, byte[] rawPublicKey) {
    if (!NoteText.isValidKeyName(name)) {
      throw new IllegalArgumentException("key name must be non-empty, without spaces, '+' or control characters");
    }
    if (rawPublicKey == null || rawPublicKey.length != KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    this.name = name;
    this.publicKey = rawPublicKey.clone();
    this.keyId = keyId(name, rawPublicKey);
    try {
      byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_SIZE);
      System.arraycopy(rawPublicKey, 0, spki, SPKI_PREFIX.length, KEY_SIZE);
      this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key", e);
    }
  }

  /** From a key name and a JDK Ed25519 public key. */
  public NoteVerifier(String name, PublicKey ed25519) {
    this(name, rawPublicKey(ed25519));
  }

  /** Parses the text form {@code <name>+<hex key ID>+<base64(0x01 || key)>}. */
  public static NoteVerifier parse(String text) throws NoteException {
    // Names cannot contain '+' but base64 can, so the first two '+' are the separators.
    int mid = text == null ? -1 : text.indexOf('+');
    int last = mid <= 0 ? -1 : text.indexOf('+', mid + 1);
    if (last < 0) {
      throw new NoteException(NoteException.Reason.MALFORMED, "verifier key must be name+keyid+key");
    }
    String name = text.substring(0, mid);
    String hex = text.substring(mid + 1, last);
    byte[] typed = NoteText.decodeBase64(text.substring(last + 1));
    if (!NoteText.isValidKeyName(name)
        || !hex.matches("[0-9a-f]{8}")
        || typed == null
        || typed.length != 1 + KEY_SIZE
        || typed[0] != ED25519) {
      throw new NoteException(NoteException.Reason.MALFORMED, "verifier key is not a valid Ed25519 note key");
    }
    NoteVerifier v;
    try {
      v = new NoteVerifier(name, Arrays.copyOfRange(typed, 1, typed.length));
    } catch (IllegalArgumentException e) {
      throw new NoteException(NoteException.Reason.MALFORMED, "verifier key is not a valid Ed25519 note key", e);
    }
    if (!HexFormat.of().toHexDigits(v.keyId).equals(hex)) {
      throw new NoteException(NoteException.Reason.MALFORMED, "verifier key ID does not match its name and key");
    }
    return v;
  }

  /** The text form, {@code <name>+<hex key ID>+<base64(0x01 || key)>}. */
  public String encode() {
    byte[] typed = new byte[1 + KEY_SIZE];
    typed[0] = ED25519;
    System.arraycopy(publicKey, 0, typed, 1, KEY_SIZE);
    return name + "+" + HexFormat.of().toHexDigits(keyId) + "+" + Base64.getEncoder().encodeToString(typed);
  }

  public String name() {
    return name;
  }

  /** The C2SP key ID: the first four bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || key). */
  public int keyId() {
    return keyId;
  }

  /** The 32-byte RFC 8032 public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** True if {@code signature} is this key's Ed25519 signature of {@code message}. */
  boolean verify(byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static int keyId(String name, byte[] rawPublicKey) {
    byte[] h = Rfc9162.sha256(name.getBytes(StandardCharsets.UTF_8), new byte[] {'\n', ED25519}, rawPublicKey);
    return ByteBuffer.wrap(h).getInt();
  }

  static byte[] rawPublicKey(PublicKey ed25519) {
    byte[] spki = ed25519.getEncoded();
    if (spki == null
        || spki.length != SPKI_PREFIX.length + KEY_SIZE
        || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key");
    }
    return Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
  }
}
