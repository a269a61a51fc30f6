package io.fedge.federation.ledger;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;

/**
 * An Ed25519 note signing key with its key name, using the JDK's Ed25519. The hub keeps the key
 * pair in its own key store (for example as PKCS#8 / X.509 encodings); agents and auditors only
 * need {@link #verifier()}.
 */
public final class NoteSigner {
  private final NoteVerifier verifier;
  private final PrivateKey privateKey;

  /** A signer for {@code name} with an Ed25519 key pair from {@code KeyPairGenerator("Ed25519")}. */
  public NoteSigner(String name, KeyPair ed25519) {
    if (!"EdDSA".equals(ed25519.getPrivate().getAlgorithm()) && !"Ed25519".equals(ed25519.getPrivate().getAlgorithm())) {
      throw new IllegalArgumentException("not an Ed25519 key pair");
    }
    this.verifier = new NoteVerifier(name, ed25519.getPublic());
    this.privateKey = ed25519.getPrivate();
  }

  /** A signer with a freshly generated key pair. */
  public static NoteSigner generate(String name) {
    try {
      return new NoteSigner(name, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Java 17 provides Ed25519", e);
    }
  }

  public String name() {
    return verifier.name();
  }

  public int keyId() {
    return verifier.keyId();
  }

  /** The public half, to hand to whoever verifies this signer's notes. */
  public NoteVerifier verifier() {
    return verifier;
  }

  /** The 64-byte Ed25519 signature of {@code message}. */
  byte[] sign(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }
}
